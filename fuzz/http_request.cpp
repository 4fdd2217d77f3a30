// fuzz/http_request.cpp
//
// Feeds one request whole and in fuzzer-chosen chunks. Properties: both ways end the same
// (status, bytes used, error code, parsed request), NeedMore takes every byte, and a parsed
// request respects the header and body limits. The first 4 bytes choose limits and chunk sizes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz/fuzz_input.h"

#include "herald/http/parser.h"

namespace {

using herald::fuzzing::check;

using herald::http::ParseStatus;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 4) {
        return 0;
    }
    const herald::http::ParserLimits limits{32 + std::size_t{data[0]} * 8,
                                            std::size_t{data[0]} * 4};
    const std::string_view input(reinterpret_cast<const char*>(data) + 4, size - 4);

    herald::http::RequestParser whole(limits);
    const auto once = whole.feed(input);
    check(once.status != ParseStatus::NeedMore || once.used_bytes == input.size());

    herald::http::RequestParser pieces(limits);
    herald::http::ParseStep step;
    std::size_t used = 0;
    for (std::size_t at = 0, i = 0; at < input.size(); ++i) {
        const auto chunk = input.substr(at, 1 + data[1 + i % 3] % 16);
        step = pieces.feed(chunk);
        used += step.used_bytes;
        at += chunk.size();
        check(step.status != ParseStatus::NeedMore || step.used_bytes == chunk.size());
        if (step.status != ParseStatus::NeedMore) {
            break;
        }
    }
    check(step.status == once.status && step.error_status == once.error_status &&
          step.error == once.error);
    if (once.status == ParseStatus::Done) {
        const auto& a = whole.request();
        const auto& b = pieces.request();
        check(used == once.used_bytes && once.used_bytes <= input.size());
        check(a.method == b.method && a.target == b.target && a.body == b.body);
        check(a.fields.all().size() == b.fields.all().size());
        check(a.body.size() <= limits.max_body_bytes);
        check(input.find("\r\n\r\n") + 4 <= limits.max_header_bytes);
    }
    return 0;
}
