// herald/curl/init.h
//
// libcurl's process-wide set-up (curl_global_init), done once before the first handle is made.
// Owner: none; thread-safe.
#pragma once

namespace herald::curl {

// Initialises libcurl on the first call. Throws std::runtime_error when libcurl cannot be
// initialised (then every later call throws again).
void ensure_init();

}  // namespace herald::curl
