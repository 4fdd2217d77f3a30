// herald/webhooks/dead_letters.h
//
// Where webhooks go that could not be delivered within the retry window: one JSON object per
// line (url, key, signature, time_ms, failures, the last error, the names of the extra headers
// and the body as sent), so that an operator can inspect or replay them. The file is created on
// the first dead letter. A path of "" only logs them.
// Owner: the webhook thread.
#pragma once

#include <string>
#include <string_view>

#include "herald/util/throttle.h"
#include "herald/webhooks/outbound.h"

namespace herald::webhooks {

class DeadLetters {
public:
    explicit DeadLetters(std::string path) : path_(std::move(path)) {}

    void write(const Outbound& request, std::string_view last_error);

    // The JSON line written for `request` (without the newline).
    [[nodiscard]] static std::string line(const Outbound& request, std::string_view last_error);

private:
    std::string path_;
    util::Throttle log_;  // a receiver down for long dead-letters many requests
};

}  // namespace herald::webhooks
