#include "herald/webhooks/dead_letters.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <spdlog/spdlog.h>

#include "herald/util/json_writer.h"

namespace herald::webhooks {

std::string DeadLetters::line(const Outbound& request, std::string_view last_error) {
    util::JsonWriter out;
    out.begin_object();
    out.key("time_ms").number(request.time_ms).key("url").string(request.url);
    out.key("key").string(request.key).key("signature").string(request.signature);
    out.key("events").number(request.events).key("failures").number(request.failures);
    if (!request.headers.empty()) {
        // Names only: the values are often credentials, and this file is kept for people to read.
        out.key("headers").begin_array();
        for (const auto& header : request.headers) {
            out.string(header.name);
        }
        out.end_array();
    }
    out.key("last_error").string(last_error).key("body").raw(request.body);
    out.end_object();
    return out.take();
}

void DeadLetters::write(const Outbound& request, std::string_view last_error) {
    util::log_throttled(log_, [&](const std::string& note) {
        spdlog::error(
                "webhooks: {} event(s) for {} not delivered within the retry window after {} "
                "attempt(s) (last: {}){}{}",
                request.events, request.url, request.failures, last_error,
                path_.empty() ? "" : "; written to " + path_, note);
    });
    if (path_.empty()) {
        return;
    }
    std::ofstream out(path_, std::ios::binary | std::ios::app);
    out << line(request, last_error) << '\n';
    if (!out) {
        util::log_throttled(log_, [&](const std::string& note) {
            spdlog::error("webhooks: cannot write the dead-letter file {}: {}{}", path_,
                          std::strerror(errno), note);
        });
    }
}

}  // namespace herald::webhooks
