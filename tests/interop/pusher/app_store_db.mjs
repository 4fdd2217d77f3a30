// tests/interop/pusher/app_store_db.mjs
//
// A real database for the app-store suites, started once per suite in a temporary directory on
// a free 127.0.0.1 port and killed when the test process exits: PostgreSQL (initdb, then
// postgres; as the `postgres` user when the suite runs as root) or MariaDB (mariadb-install-db,
// then mariadbd). Each offers sql(text) through its own command-line client, stop() and start()
// (the same data directory) for the outage tests, and the URL `herald serve --app-store` takes.
// PostgreSQL logs every statement, so a suite can check what reached it.
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { makeTempDir } from '../lib/harness.mjs';
import { freePort, sleep } from './harness.mjs';

const kReadyTimeoutMs = 60_000;

// soketi's table (its column set, no Herald-only columns) in each dialect.
export const kSoketiTable = {
    postgresql: `CREATE TABLE apps (
        id varchar(255) PRIMARY KEY, key varchar(255) NOT NULL, secret varchar(255) NOT NULL,
        max_connections integer NOT NULL, enable_client_messages smallint NOT NULL,
        enabled smallint NOT NULL, max_backend_events_per_sec integer NOT NULL,
        max_client_events_per_sec integer NOT NULL, max_read_req_per_sec integer NOT NULL,
        webhooks json, max_presence_members_per_channel integer,
        max_presence_member_size_in_kb integer, max_channel_name_length integer,
        max_event_channels_at_once integer, max_event_name_length integer,
        max_event_payload_in_kb integer, max_event_batch_size integer,
        enable_user_authentication smallint NOT NULL)`,
    mysql: `CREATE TABLE apps (
        id varchar(255) NOT NULL, \`key\` varchar(255) NOT NULL, secret varchar(255) NOT NULL,
        max_connections integer NOT NULL, enable_client_messages tinyint(1) NOT NULL,
        enabled tinyint(1) NOT NULL, max_backend_events_per_sec integer NOT NULL,
        max_client_events_per_sec integer NOT NULL, max_read_req_per_sec integer NOT NULL,
        webhooks json, max_presence_members_per_channel integer,
        max_presence_member_size_in_kb integer, max_channel_name_length integer,
        max_event_channels_at_once integer, max_event_name_length integer,
        max_event_payload_in_kb integer, max_event_batch_size integer,
        enable_user_authentication tinyint(1) NOT NULL, PRIMARY KEY (id))`,
};

const isRoot = process.getuid?.() === 0;

function owner(name) {
    if (!isRoot) return {};
    const uid = Number(execFileSync('id', ['-u', name]).toString().trim());
    const gid = Number(execFileSync('id', ['-g', name]).toString().trim());
    return { uid, gid };
}

class Database {
    constructor(kind) {
        this.kind = kind;
        this.dir = makeTempDir(kind);
        this.child = null;
        this.log = '';
    }

    spawnServer(file, args, ids = {}) {
        this.log = '';
        const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], ...ids });
        child.stdout.on('data', (d) => { this.log += d; });
        child.stderr.on('data', (d) => { this.log += d; });
        process.on('exit', () => child.kill('SIGKILL'));
        this.child = child;
        this.exited = new Promise((resolve) => child.on('exit', resolve));
    }

    async waitReady() {
        const deadline = Date.now() + kReadyTimeoutMs;
        for (;;) {
            try {
                this.probe();
                return this;
            } catch (error) {
                if (Date.now() > deadline) throw new Error(`${this.kind} did not start: ${error}\n${this.log}`);
                await sleep(200);
            }
        }
    }

    async stop() {
        this.child.kill('SIGKILL');
        await this.exited;
    }
}

class Postgres extends Database {
    constructor() {
        super('postgresql');
        this.ids = owner('postgres');
        if (isRoot) chownSync(this.dir, this.ids.uid, this.ids.gid);
        execFileSync('initdb', ['-D', path.join(this.dir, 'data'), '-A', 'trust', '-U', 'herald', '--no-sync'],
            { stdio: 'pipe', ...this.ids });
    }

    async start() {
        this.port ??= await freePort();
        this.spawnServer('postgres', ['-D', path.join(this.dir, 'data'), '-p', String(this.port), '-k', this.dir,
            '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'log_statement=all'], this.ids);
        await this.waitReady();
        if (!this.created) {
            execFileSync('psql', this.client('postgres').concat(['-c', 'CREATE DATABASE herald']), { stdio: 'pipe' });
            this.created = true;
        }
        return this;
    }

    client(database = 'herald') {
        return ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'herald', '-d', database, '-v', 'ON_ERROR_STOP=1', '-qAt'];
    }

    probe() {
        execFileSync('psql', this.client('postgres').concat(['-c', 'SELECT 1']), { stdio: 'pipe' });
    }

    sql(text) {
        return execFileSync('psql', this.client().concat(['-c', text]), { stdio: 'pipe' }).toString();
    }

    get url() { return `postgresql://herald@127.0.0.1:${this.port}/herald`; }
}

class MariaDb extends Database {
    constructor() {
        super('mysql');
        this.user = isRoot ? 'root' : execFileSync('id', ['-un']).toString().trim();
        this.socket = path.join(this.dir, 'mysqld.sock');
        execFileSync('mariadb-install-db', ['--no-defaults', `--datadir=${path.join(this.dir, 'data')}`,
            `--user=${this.user}`, '--auth-root-authentication-method=normal', '--skip-test-db'], { stdio: 'pipe' });
    }

    async start() {
        this.port ??= await freePort();
        this.spawnServer('mariadbd', ['--no-defaults', `--datadir=${path.join(this.dir, 'data')}`,
            `--socket=${this.socket}`, `--port=${this.port}`, '--bind-address=127.0.0.1', `--user=${this.user}`,
            `--pid-file=${path.join(this.dir, 'mysqld.pid')}`, '--skip-log-bin', '--innodb-flush-log-at-trx-commit=0',
            `--general-log=1`, `--general-log-file=${path.join(this.dir, 'statements.log')}`]);
        await this.waitReady();
        if (!this.created) {
            this.root(`CREATE DATABASE herald; CREATE USER 'herald'@'%' IDENTIFIED BY 'herald-pw';
                       GRANT ALL ON herald.* TO 'herald'@'%';`);
            this.created = true;
        }
        return this;
    }

    root(text, database = null) {
        const args = ['--no-defaults', '-S', this.socket, '-uroot', '-N', '-B', '-e', text];
        if (database) args.push(database);
        return execFileSync('mariadb', args, { stdio: 'pipe' }).toString();
    }

    probe() {
        this.root('SELECT 1');
    }

    sql(text) {
        return this.root(text, 'herald');
    }

    // The statements the server was sent (the general query log).
    get statements() { return readFileSync(path.join(this.dir, 'statements.log'), 'utf8'); }

    get url() { return `mysql://herald:herald-pw@127.0.0.1:${this.port}/herald`; }
}

// The database named by HERALD_APP_STORE_DB (postgresql, the default, or mysql), started.
export async function startDatabase(kind = process.env.HERALD_APP_STORE_DB ?? 'postgresql') {
    const db = kind === 'mysql' ? new MariaDb() : new Postgres();
    return db.start();
}

// A soketi row (its defaults: no limits) with `overrides`, as an INSERT for `db`.
export function insertApp(db, fields) {
    const row = {
        max_connections: -1, enable_client_messages: 0, enabled: 1, max_backend_events_per_sec: -1,
        max_client_events_per_sec: -1, max_read_req_per_sec: -1, enable_user_authentication: 0, ...fields,
    };
    const q = db.kind === 'mysql' ? '`' : '"';
    const columns = Object.keys(row).map((c) => `${q}${c}${q}`).join(', ');
    const values = Object.values(row).map((v) => (v === null ? 'NULL'
        : typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`)).join(', ');
    db.sql(`INSERT INTO apps (${columns}) VALUES (${values})`);
}
