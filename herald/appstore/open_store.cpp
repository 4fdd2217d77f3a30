#include "herald/appstore/open_store.h"

#include "herald/appstore/mariadb_backend.h"
#include "herald/appstore/postgres_backend.h"
#include "herald/appstore/store_url.h"

namespace herald::appstore {

util::Result<BackendFactory, std::string> backend_factory(BackendOptions options) {
    if (!valid_table_name(options.table)) {
        return util::unexpected("app store table '" + options.table.substr(0, 80) +
                                "': a table name is letters, digits and '_' (up to 63, not "
                                "first a digit), optionally after 'schema.'");
    }
    auto kind = store_kind(options.url);
    if (!kind) {
        return util::unexpected(std::move(kind).error());
    }
    if (kind.value() == StoreKind::Postgres) {
        return BackendFactory([options] { return std::make_unique<PostgresBackend>(options); });
    }
    if (auto url = parse_mysql_url(options.url); !url) {
        return util::unexpected(std::move(url).error());
    }
    return BackendFactory([options] { return std::make_unique<MariaDbBackend>(options); });
}

}  // namespace herald::appstore
