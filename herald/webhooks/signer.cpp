#include "herald/webhooks/signer.h"

#include "herald/util/digest.h"
#include "herald/util/json_writer.h"

namespace herald::webhooks {

std::string webhook_body(std::int64_t time_ms, std::span<const Event> events) {
    util::JsonWriter out;
    out.begin_object().key("time_ms").number(time_ms).key("events").begin_array();
    for (const auto& event : events) {
        write_event(out, event);
    }
    out.end_array().end_object();
    return out.take();
}

std::string webhook_signature(std::string_view secret, std::string_view body) {
    return util::to_hex(util::hmac_sha256(secret, body));
}

}  // namespace herald::webhooks
