#include "herald/appstore/mariadb_backend.h"

#include <cstring>

#include <mysql.h>

#include "herald/appstore/store_url.h"

namespace herald::appstore {

namespace {

util::unexpected<std::string> failure(std::string_view what, const char* detail) {
    std::string message(what);
    if (detail != nullptr && *detail != '\0') {
        message += std::string(": ") + detail;
    }
    return util::unexpected(std::move(message));
}

// Closes a prepared statement however run() leaves.
struct Statement {
    explicit Statement(MYSQL* m) : stmt(mysql_stmt_init(m)) {}

    ~Statement() {
        if (meta != nullptr) {
            mysql_free_result(meta);
        }
        if (stmt != nullptr) {
            mysql_stmt_close(stmt);
        }
    }

    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    MYSQL_STMT* stmt;
    MYSQL_RES* meta = nullptr;
};

}  // namespace

struct MariaDbBackend::Connection {
    Connection() : db(mysql_init(nullptr)) {}

    ~Connection() { mysql_close(db); }

    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    MYSQL* db;
};

MariaDbBackend::MariaDbBackend(BackendOptions options) : SqlBackend(kMySql, std::move(options)) {}

MariaDbBackend::~MariaDbBackend() = default;

DbResult<bool> MariaDbBackend::open() {
    if (connection_) {
        return true;
    }
    const auto& o = options();
    auto target = parse_mysql_url(o.url);
    if (!target) {
        return util::unexpected(std::move(target).error());
    }
    const auto& t = target.value();
    auto connection = std::make_unique<Connection>();
    if (connection->db == nullptr) {
        return util::unexpected(std::string("cannot connect: out of memory"));
    }
    const unsigned int seconds = static_cast<unsigned int>(std::max<std::int64_t>(
            1, std::chrono::duration_cast<std::chrono::seconds>(o.timeout).count()));
    mysql_options(connection->db, MYSQL_OPT_CONNECT_TIMEOUT, &seconds);
    mysql_options(connection->db, MYSQL_OPT_READ_TIMEOUT, &seconds);
    mysql_options(connection->db, MYSQL_OPT_WRITE_TIMEOUT, &seconds);
    mysql_options(connection->db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    const auto& password = o.password ? o.password : t.password;
    // CLIENT_FOUND_ROWS: an UPDATE reports the rows it matched, changed or not.
    if (mysql_real_connect(connection->db, t.socket ? nullptr : t.host.c_str(), t.user.c_str(),
                           password ? password->c_str() : nullptr, t.database.c_str(), t.port,
                           t.socket ? t.socket->c_str() : nullptr, CLIENT_FOUND_ROWS) == nullptr) {
        return failure("cannot connect", mysql_error(connection->db));
    }
    connection_ = std::move(connection);
    return true;
}

DbResult<SqlBackend::Reply> MariaDbBackend::run(const std::string& sql, const Values& values) {
    auto reply = execute(sql, values);
    if (!reply) {
        connection_.reset();  // after the statement is closed: the next one connects again
    }
    return reply;
}

DbResult<SqlBackend::Reply> MariaDbBackend::execute(const std::string& sql, const Values& values) {
    Statement statement(connection_->db);
    auto* stmt = statement.stmt;
    const auto fail = [this, stmt](std::string_view what) {
        return failure(what,
                       stmt != nullptr ? mysql_stmt_error(stmt) : mysql_error(connection_->db));
    };
    if (stmt == nullptr || mysql_stmt_prepare(stmt, sql.c_str(), sql.size()) != 0) {
        return fail("the database refused the statement");
    }
    std::vector<MYSQL_BIND> params(values.size());
    std::vector<my_bool> nulls(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        std::memset(&params[i], 0, sizeof(MYSQL_BIND));
        params[i].buffer_type = MYSQL_TYPE_STRING;
        nulls[i] = values[i] ? 0 : 1;
        params[i].is_null = &nulls[i];
        if (values[i]) {
            params[i].buffer = const_cast<char*>(values[i]->data());
            params[i].buffer_length = values[i]->size();
        }
    }
    if ((!params.empty() && mysql_stmt_bind_param(stmt, params.data()) != 0) ||
        mysql_stmt_execute(stmt) != 0) {
        return fail("the statement failed");
    }
    Reply reply;
    statement.meta = mysql_stmt_result_metadata(stmt);
    if (statement.meta == nullptr) {
        reply.affected = static_cast<std::size_t>(mysql_stmt_affected_rows(stmt));
        return reply;
    }
    if (mysql_stmt_store_result(stmt) != 0) {
        return fail("cannot read the result");
    }
    const auto count = mysql_num_fields(statement.meta);
    const auto* fields = mysql_fetch_fields(statement.meta);
    for (unsigned int i = 0; i < count; ++i) {
        reply.columns.emplace_back(fields[i].name);
    }
    // Each cell is fetched at its own length: bound with no buffer, then read by fetch_column.
    std::vector<MYSQL_BIND> cells(count);
    std::vector<unsigned long> lengths(count);
    std::vector<my_bool> is_null(count);
    for (unsigned int i = 0; i < count; ++i) {
        std::memset(&cells[i], 0, sizeof(MYSQL_BIND));
        cells[i].buffer_type = MYSQL_TYPE_STRING;
        cells[i].length = &lengths[i];
        cells[i].is_null = &is_null[i];
    }
    if (count > 0 && mysql_stmt_bind_result(stmt, cells.data()) != 0) {
        return fail("cannot read the result");
    }
    while (true) {
        const int status = mysql_stmt_fetch(stmt);
        if (status == MYSQL_NO_DATA) {
            break;
        }
        if (status != 0 && status != MYSQL_DATA_TRUNCATED) {
            return fail("cannot read a row");
        }
        AppRow row;
        for (unsigned int i = 0; i < count; ++i) {
            if (is_null[i] != 0) {
                row[reply.columns[i]] = std::nullopt;
                continue;
            }
            std::string text(lengths[i], '\0');
            if (lengths[i] > 0) {
                MYSQL_BIND one{};
                one.buffer_type = MYSQL_TYPE_STRING;
                one.buffer = text.data();
                one.buffer_length = text.size();
                if (mysql_stmt_fetch_column(stmt, &one, i, 0) != 0) {
                    return fail("cannot read a column");
                }
            }
            row[reply.columns[i]] = std::move(text);
        }
        reply.rows.push_back(std::move(row));
    }
    return reply;
}

}  // namespace herald::appstore
