#include "herald/cli/app_store.h"

#include <stdexcept>

#include "herald/appstore/open_store.h"
#include "herald/cli/config_print.h"

namespace herald::cli {

namespace {

appstore::BackendFactory factory(const server::AppStoreSettings& settings) {
    auto made = appstore::backend_factory(
            {settings.url.value_or(""), settings.password, settings.table});
    if (!made) {
        throw std::runtime_error(std::move(made).error());
    }
    return std::move(made).value();
}

}  // namespace

std::string describe_store(const server::AppStoreSettings& settings) {
    return mask_password(settings.url.value_or("")) + ", table " + settings.table;
}

std::shared_ptr<appstore::AppCache> open_app_store(const server::AppStoreSettings& settings) {
    appstore::CacheOptions options;
    options.ttl = settings.cache_ttl;
    options.threads = settings.pool_size;
    options.description = describe_store(settings);
    return std::make_shared<appstore::AppCache>(factory(settings), options);
}

std::unique_ptr<appstore::Backend> open_backend(const server::AppStoreSettings& settings) {
    return factory(settings)();
}

}  // namespace herald::cli
