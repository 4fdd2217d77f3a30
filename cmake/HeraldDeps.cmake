# Every external dependency becomes an imported target here; nothing else looks for packages.
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(simdjson REQUIRED)
find_package(CURL REQUIRED)
find_package(CLI11 REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(CURL 7.68 REQUIRED)       # curl_multi_poll/curl_multi_wakeup (the SDK's async thread)
# Core only (registry model and text format); Debian builds it with pull and push too, whose
# civetweb and curl dependencies its config file looks for.
find_package(prometheus-cpp CONFIG REQUIRED)  # Debian ships no version file (1.0 in bookworm)
find_package(PkgConfig REQUIRED)
pkg_check_modules(sodium REQUIRED IMPORTED_TARGET libsodium)  # Debian ships no CMake config
pkg_check_modules(hiredis REQUIRED IMPORTED_TARGET hiredis)
pkg_check_modules(libpq REQUIRED IMPORTED_TARGET libpq)          # the PostgreSQL app store
pkg_check_modules(mariadb REQUIRED IMPORTED_TARGET libmariadb)   # the MySQL/MariaDB app store
if(HERALD_TESTS)
    find_package(GTest REQUIRED)
endif()
if(HERALD_BENCH AND NOT HERALD_FUZZ)
    find_package(benchmark REQUIRED)
endif()
