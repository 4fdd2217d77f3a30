#include "herald/http/parser.h"

// <utility> first: Boost 1.74 headers rely on it under GCC 12 in C++20 mode.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "herald/http/chunked_body.h"

namespace herald::http {

namespace {

namespace beast_http = boost::beast::http;

// Shortest bound on a chunk-size line or the trailer section, so even a tiny header limit leaves
// room for "0\r\n\r\n".
constexpr std::size_t kMinLineWindow = 64;

ParseStep failure(unsigned status, std::string error) {
    ParseStep step;
    step.status = ParseStatus::Error;
    step.error_status = status;
    step.error = std::move(error);
    return step;
}

ParseStep done_step() {
    ParseStep step;
    step.status = ParseStatus::Done;
    return step;
}

struct ErrorText {
    beast_http::error code;
    std::string_view text;
};

constexpr ErrorText kErrorTexts[] = {
        {beast_http::error::bad_line_ending, "bare CR or LF: lines must end with CRLF"},
        {beast_http::error::bad_method, "invalid method in the request line"},
        {beast_http::error::bad_target, "invalid request target"},
        {beast_http::error::bad_version,
         "invalid or unsupported HTTP version (only HTTP/1.0 and HTTP/1.1)"},
        {beast_http::error::bad_status, "invalid status code"},
        {beast_http::error::bad_reason, "invalid reason phrase"},
        {beast_http::error::bad_field, "invalid header field name"},
        {beast_http::error::bad_value, "invalid header field value"},
        {beast_http::error::bad_content_length, "invalid or conflicting Content-Length"},
        {beast_http::error::bad_transfer_encoding, "invalid or conflicting Transfer-Encoding"},
        {beast_http::error::bad_chunk, "malformed chunk size line"},
        {beast_http::error::bad_chunk_extension, "malformed chunk extension"},
        {beast_http::error::bad_obs_fold, "obsolete line folding is not accepted"},
        {beast_http::error::partial_message, "connection closed before the message was complete"},
};

std::string describe(const boost::system::error_code& ec) {
    for (const auto& entry : kErrorTexts) {
        if (ec == entry.code) {
            return std::string(entry.text);
        }
    }
    return ec.message();
}

// Feeds Beast's parser so that the result never depends on how the input was split: the header is
// handed over only once its terminating empty line is here (RFC 9112 §2.1). Beast reads
// Content-Length and connection-delimited bodies; chunked bodies go through ChunkedBody, because
// Beast's chunk parser charges a chunk against the body limit again each time its size line is
// retried with more bytes, so its verdict would depend on how the line arrived.
template <bool IsRequest>
class Feeder {
public:
    using Parser = beast_http::parser<IsRequest, beast_http::string_body>;

    explicit Feeder(ParserLimits limits) : limits_(limits) { reset(); }

    void reset() {
        parser_.emplace();
        parser_->eager(true);
        parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
                limits_.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
        parser_->body_limit(static_cast<std::uint64_t>(limits_.max_body_bytes));
        pending_.clear();
        searched_ = 0;
        header_done_ = false;
        chunked_.reset();
        sticky_ = ParseStep{};
    }

    ParseStep feed(std::string_view bytes) {
        if (sticky_.status != ParseStatus::NeedMore) {
            return repeat();
        }
        const auto before = pending_.size();
        pending_.append(bytes);
        consumed_ = 0;
        auto step = header_done_ ? run_body() : run_header();
        if (step.status == ParseStatus::Done) {
            // Everything buffered earlier was part of this message, so consumed_ >= before.
            step.used_bytes = consumed_ - before;
            pending_.clear();
        } else {
            step.used_bytes = bytes.size();
            pending_.erase(0, consumed_);
        }
        sticky_ = step;
        return step;
    }

    // The peer closed the connection (RFC 9112 §6.3 item 8: an EOF-delimited body ends here).
    ParseStep finish() {
        if (sticky_.status != ParseStatus::NeedMore) {
            return repeat();
        }
        if (!header_done_ || !pending_.empty()) {
            sticky_ = failure(400, describe(beast_http::error::partial_message));
            return sticky_;
        }
        boost::system::error_code ec;
        parser_->put_eof(ec);
        sticky_ = ec ? map_error(ec) : done_step();
        return sticky_;
    }

    Parser& parser() { return *parser_; }

private:
    static constexpr std::string_view kWhat = IsRequest ? "request" : "response";

    [[nodiscard]] ParseStep header_too_large() const {
        return failure(431, std::string{kWhat} + " header exceeds " +
                                    std::to_string(limits_.max_header_bytes) + " bytes");
    }

    ParseStep repeat() const {
        auto step = sticky_;
        step.used_bytes = 0;
        return step;
    }

    ParseStep run_header() {
        const auto from = searched_ >= 3 ? searched_ - 3 : 0;
        const auto end = pending_.find("\r\n\r\n", from);
        const auto header_bytes = end == std::string::npos ? pending_.size() : end + 4;
        if (header_bytes > limits_.max_header_bytes ||
            (end == std::string::npos && header_bytes == limits_.max_header_bytes)) {
            return header_too_large();
        }
        if (end == std::string::npos) {
            searched_ = pending_.size();
            return ParseStep{};
        }
        boost::system::error_code ec;
        const auto used =
                parser_->put(boost::asio::const_buffer(pending_.data(), header_bytes), ec);
        if (ec && ec != beast_http::error::need_more) {
            return map_error(ec);
        }
        if (!parser_->is_header_done() || used != header_bytes) {
            return failure(400, "malformed header section");
        }
        consumed_ = used;
        header_done_ = true;
        if (auto refused = check_header()) {
            return *refused;
        }
        if (parser_->is_done()) {
            return done_step();
        }
        if (parser_->chunked()) {
            chunked_.emplace(std::max(limits_.max_header_bytes, kMinLineWindow),
                             limits_.max_body_bytes);
        }
        return run_body();
    }

    ParseStep run_body() { return chunked_ ? run_chunked() : run_sized(); }

    ParseStep run_chunked() {
        const auto step =
                chunked_->feed(std::string_view(pending_).substr(consumed_), parser_->get().body());
        consumed_ += step.used_bytes;
        switch (step.status) {
            case ChunkedStep::Status::NeedMore:
                return ParseStep{};
            case ChunkedStep::Status::Done:
                return done_step();
            case ChunkedStep::Status::Error:
                break;
        }
        return step.error_status == 413 ? body_too_large() : failure(step.error_status, step.error);
    }

    ParseStep run_sized() {
        while (!parser_->is_done() && consumed_ < pending_.size()) {
            boost::system::error_code ec;
            const auto used = parser_->put(boost::asio::const_buffer(pending_.data() + consumed_,
                                                                     pending_.size() - consumed_),
                                           ec);
            consumed_ += used;
            if (ec == beast_http::error::need_more) {
                return ParseStep{};
            }
            if (ec) {
                return map_error(ec);
            }
        }
        return parser_->is_done() ? done_step() : ParseStep{};
    }

    // Checks Beast leaves to the caller (RFC 9112 §3.2 and §6.1).
    std::optional<ParseStep> check_header() {
        if constexpr (IsRequest) {
            const auto& message = parser_->get();
            const auto hosts = message.count(beast_http::field::host);
            if (hosts > 1) {
                return failure(400, "more than one Host field");
            }
            if (hosts == 0 && message.version() >= 11) {
                return failure(400, "HTTP/1.1 request without a Host field");
            }
            if (message.count(beast_http::field::transfer_encoding) > 0 && !parser_->chunked()) {
                return failure(400, "Transfer-Encoding of a request must end with chunked");
            }
        }
        return std::nullopt;
    }

    ParseStep map_error(const boost::system::error_code& ec) const {
        if (ec == beast_http::error::header_limit) {
            return header_too_large();
        }
        if (ec == beast_http::error::body_limit) {
            return body_too_large();
        }
        return failure(400, describe(ec));
    }

    [[nodiscard]] ParseStep body_too_large() const {
        return failure(413, std::string{kWhat} + " body exceeds " +
                                    std::to_string(limits_.max_body_bytes) + " bytes");
    }

    ParserLimits limits_;
    std::optional<Parser> parser_;
    std::string pending_;       // input Beast has not consumed yet (an unfinished header or line)
    std::size_t searched_ = 0;  // how much of pending_ has been searched for the header's end
    std::size_t consumed_ = 0;  // bytes of pending_ consumed during the current feed()
    bool header_done_ = false;
    std::optional<ChunkedBody> chunked_;
    ParseStep sticky_;
};

template <bool IsRequest, typename Message>
void copy_header(const beast_http::message<IsRequest, beast_http::string_body>& from, Message& to) {
    for (const auto& field : from) {
        to.fields.add(std::string{field.name_string()}, std::string{field.value()});
    }
    to.version = from.version();
}

}  // namespace

struct RequestParser::Impl {
    explicit Impl(ParserLimits limits) : feeder(limits) {}

    void take(const ParseStep& step) {
        if (step.status != ParseStatus::Done || taken) {
            return;
        }
        auto& message = feeder.parser().get();
        request.method = std::string{message.method_string()};
        request.target = std::string{message.target()};
        copy_header(message, request);
        request.body = std::move(message.body());
        taken = true;
    }

    Feeder<true> feeder;
    Request request;
    bool taken = false;
};

RequestParser::RequestParser(ParserLimits limits) : impl_(std::make_unique<Impl>(limits)) {}

RequestParser::~RequestParser() = default;

ParseStep RequestParser::feed(std::string_view bytes) {
    auto step = impl_->feeder.feed(bytes);
    impl_->take(step);
    return step;
}

Request& RequestParser::request() {
    return impl_->request;
}

void RequestParser::reset() {
    impl_->feeder.reset();
    impl_->request = Request{};
    impl_->taken = false;
}

struct ResponseParser::Impl {
    explicit Impl(ParserLimits limits) : feeder(limits) {}

    void take(const ParseStep& step) {
        if (step.status != ParseStatus::Done || taken) {
            return;
        }
        auto& message = feeder.parser().get();
        response.status = message.result_int();
        copy_header(message, response);
        response.body = std::move(message.body());
        taken = true;
    }

    Feeder<false> feeder;
    Response response;
    bool taken = false;
};

ResponseParser::ResponseParser(ParserLimits limits) : impl_(std::make_unique<Impl>(limits)) {}

ResponseParser::~ResponseParser() = default;

ParseStep ResponseParser::feed(std::string_view bytes) {
    auto step = impl_->feeder.feed(bytes);
    impl_->take(step);
    return step;
}

ParseStep ResponseParser::finish() {
    auto step = impl_->feeder.finish();
    impl_->take(step);
    return step;
}

Response& ResponseParser::response() {
    return impl_->response;
}

}  // namespace herald::http
