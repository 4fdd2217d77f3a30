#include "herald/appstore/postgres_backend.h"

#include <libpq-fe.h>
#include <poll.h>

#include "herald/util/parse.h"

namespace herald::appstore {

namespace {

using Clock = std::chrono::steady_clock;

util::unexpected<std::string> failure(std::string_view what, const char* detail) {
    std::string message(what);
    std::string text = detail == nullptr ? "" : detail;
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
        text.pop_back();
    }
    if (!text.empty()) {
        message += ": " + text;
    }
    return util::unexpected(std::move(message));
}

}  // namespace

struct PostgresBackend::Connection {
    explicit Connection(PGconn* c) : conn(c) {}

    ~Connection() { PQfinish(conn); }

    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    PGconn* conn;
};

PostgresBackend::PostgresBackend(BackendOptions options)
    : SqlBackend(kPostgres, std::move(options)) {}

PostgresBackend::~PostgresBackend() = default;

DbResult<bool> PostgresBackend::open() {
    if (connection_) {
        return true;
    }
    const auto& o = options();
    const auto seconds = std::to_string(std::max<std::int64_t>(
            2, std::chrono::duration_cast<std::chrono::seconds>(o.timeout).count()));
    // expand_dbname: the URL's parts are read as if given one by one, and a password given
    // separately wins over the URL's.
    const char* keys[] = {"dbname", "connect_timeout", "application_name",
                          o.password ? "password" : nullptr, nullptr};
    const char* values[] = {o.url.c_str(), seconds.c_str(), "herald",
                            o.password ? o.password->c_str() : nullptr, nullptr};
    auto connection = std::make_unique<Connection>(PQconnectdbParams(keys, values, 1));
    if (connection->conn == nullptr || PQstatus(connection->conn) != CONNECTION_OK) {
        return failure("cannot connect", connection->conn == nullptr
                                                 ? "out of memory"
                                                 : PQerrorMessage(connection->conn));
    }
    connection_ = std::move(connection);
    return true;
}

DbResult<SqlBackend::Reply> PostgresBackend::run(const std::string& sql, const Values& values) {
    auto reply = execute(sql, values);
    if (!reply) {
        connection_.reset();
    }
    return reply;
}

DbResult<SqlBackend::Reply> PostgresBackend::execute(const std::string& sql, const Values& values) {
    auto* conn = connection_->conn;
    std::vector<const char*> params;
    for (const auto& value : values) {
        params.push_back(value ? value->c_str() : nullptr);
    }
    if (PQsendQueryParams(conn, sql.c_str(), static_cast<int>(params.size()), nullptr,
                          params.data(), nullptr, nullptr, 0) == 0) {
        return failure("cannot send the statement", PQerrorMessage(conn));
    }
    const auto timeout = options().timeout;
    const auto deadline = Clock::now() + timeout;
    while (true) {
        if (PQconsumeInput(conn) == 0) {
            return failure("connection lost", PQerrorMessage(conn));
        }
        if (PQisBusy(conn) == 0) {
            break;
        }
        const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        pollfd fd{PQsocket(conn), POLLIN, 0};
        if (left.count() <= 0 || ::poll(&fd, 1, static_cast<int>(left.count())) == 0) {
            return util::unexpected("no answer within " + std::to_string(timeout.count()) + " ms");
        }
    }
    Reply reply;
    std::optional<std::string> error;
    while (PGresult* result = PQgetResult(conn)) {
        const auto status = PQresultStatus(result);
        if (status == PGRES_TUPLES_OK) {
            const int fields = PQnfields(result);
            for (int f = 0; f < fields; ++f) {
                reply.columns.emplace_back(PQfname(result, f));
            }
            for (int r = 0; r < PQntuples(result); ++r) {
                AppRow row;
                for (int f = 0; f < fields; ++f) {
                    auto& cell = row[reply.columns[static_cast<std::size_t>(f)]];
                    if (PQgetisnull(result, r, f) == 0) {
                        cell.emplace(PQgetvalue(result, r, f),
                                     static_cast<std::size_t>(PQgetlength(result, r, f)));
                    }
                }
                reply.rows.push_back(std::move(row));
            }
        } else if (status == PGRES_COMMAND_OK) {
            reply.affected = util::parse_integer<std::size_t>(PQcmdTuples(result)).value_or(0);
        } else if (!error) {
            error = PQresultErrorMessage(result);
        }
        PQclear(result);
    }
    if (error) {
        return failure("the database refused the statement", error->c_str());
    }
    return reply;
}

}  // namespace herald::appstore
