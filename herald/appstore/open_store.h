// herald/appstore/open_store.h
//
// From settings to a store: the URL's kind picks the backend, and the URL and the table name
// are checked before anything connects, so that `herald serve` refuses a bad store at start.
// Owner: none (functions).
#pragma once

#include <string>

#include "herald/appstore/backend.h"
#include "herald/appstore/sql_backend.h"
#include "herald/util/result.h"

namespace herald::appstore {

// Makes a backend of options.url's kind per call (each cache thread has one), or says what is
// wrong with the URL or the table name.
[[nodiscard]] util::Result<BackendFactory, std::string> backend_factory(BackendOptions options);

}  // namespace herald::appstore
