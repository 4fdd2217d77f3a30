#include "herald/http/parser.h"

#include <string>
#include <vector>

#include "tests/support/splits.h"
#include <gtest/gtest.h>

namespace herald::http {
namespace {

struct Outcome {
    ParseStatus status = ParseStatus::NeedMore;
    std::size_t used_bytes = 0;  // summed over every chunk fed
    unsigned error_status = 0;
    std::string error;
};

// Feeds the chunks in order until the parser stops asking for more.
template <typename Parser>
Outcome feed_chunks(Parser& parser, const std::vector<std::string>& chunks) {
    Outcome out;
    for (const auto& chunk : chunks) {
        const auto step = parser.feed(chunk);
        EXPECT_LE(step.used_bytes, chunk.size());
        out.used_bytes += step.used_bytes;
        out.status = step.status;
        out.error_status = step.error_status;
        out.error = step.error;
        if (step.status != ParseStatus::NeedMore) {
            break;
        }
        EXPECT_EQ(step.used_bytes, chunk.size()) << "NeedMore must take the whole chunk";
    }
    return out;
}

std::string serialize_parsed(RequestParser& parser) {
    return serialize(parser.request());
}

std::string serialize_parsed(ResponseParser& parser) {
    return serialize(parser.response());
}

// Feeds `wire` whole and then split at every position: each time the parser must be Done after
// exactly `message_bytes` and produce the same message.
template <typename Parser>
void expect_done_at_every_split(const std::string& wire, std::size_t message_bytes) {
    std::string first;
    support::for_each_split(wire, [&](const std::vector<std::string>& chunks) {
        Parser parser;
        const auto out = feed_chunks(parser, chunks);
        ASSERT_EQ(out.status, ParseStatus::Done) << out.error;
        EXPECT_EQ(out.used_bytes, message_bytes);
        const auto parsed = serialize_parsed(parser);
        first = first.empty() ? parsed : first;
        EXPECT_EQ(parsed, first);
    });
}

const std::string kUpgrade =
        "GET /app/key?protocol=7&client=js HTTP/1.1\r\n"
        "Host: 127.0.0.1:6001\r\n"
        "Connection: Upgrade\r\n"
        "Upgrade: websocket\r\n"
        "Sec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "\r\n";

// A masked text frame a client may send right behind its upgrade request.
const std::string kFrame = std::string("\x81\x82\x01\x02\x03\x04\x69\x6b", 8);

void expect_error_at_every_split(const std::string& wire, unsigned status,
                                 ParserLimits limits = {}) {
    support::for_each_split(wire, [&](const std::vector<std::string>& chunks) {
        RequestParser parser(limits);
        const auto out = feed_chunks(parser, chunks);
        EXPECT_EQ(out.status, ParseStatus::Error) << wire;
        EXPECT_EQ(out.error_status, status) << out.error;
        EXPECT_FALSE(out.error.empty());
    });
}

TEST(RequestParser, ParsesAnUpgradeRequestAtEverySplit) {
    expect_done_at_every_split<RequestParser>(kUpgrade, kUpgrade.size());
    RequestParser parser;
    ASSERT_EQ(parser.feed(kUpgrade).status, ParseStatus::Done);
    const auto& request = parser.request();
    EXPECT_EQ(request.method, "GET");
    EXPECT_EQ(request.target, "/app/key?protocol=7&client=js");
    EXPECT_EQ(request.path(), "/app/key");
    EXPECT_EQ(request.version, 11U);
    EXPECT_EQ(request.fields.get("host"), "127.0.0.1:6001");
    EXPECT_EQ(request.fields.get("SEC-WEBSOCKET-KEY"), "dGhlIHNhbXBsZSBub25jZQ==");
    ASSERT_EQ(request.fields.all().size(), 5U);
    EXPECT_EQ(request.fields.all()[1].name, "Connection");  // spelling kept
    EXPECT_TRUE(request.body.empty());
}

TEST(RequestParser, LeavesFramesBehindAnUpgradeRequestToTheCaller) {
    expect_done_at_every_split<RequestParser>(kUpgrade + kFrame, kUpgrade.size());
}

TEST(RequestParser, ParsesOneByteAtATime) {
    RequestParser parser;
    const auto out = feed_chunks(parser, support::chunks_of(kUpgrade + kFrame, 1));
    ASSERT_EQ(out.status, ParseStatus::Done);
    EXPECT_EQ(out.used_bytes, kUpgrade.size());
    EXPECT_EQ(parser.request().fields.get("Upgrade"), "websocket");
}

TEST(RequestParser, ReadsAContentLengthBodyAndStopsAtItsEnd) {
    const std::string message =
            "POST /apps/1/events?auth_key=k HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\n\r\n"
            R"({"name":"e"})";
    expect_done_at_every_split<RequestParser>(message + "GET / HTTP/1.1\r\n", message.size());
    RequestParser parser;
    ASSERT_EQ(parser.feed(message).status, ParseStatus::Done);
    EXPECT_EQ(parser.request().method, "POST");
    EXPECT_EQ(parser.request().query(), "auth_key=k");
    EXPECT_EQ(parser.request().body, R"({"name":"e"})");
}

TEST(RequestParser, ReadsAChunkedBodyWithExtensionsAndTrailers) {
    const std::string message =
            "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            "5;name=value\r\nhello\r\n"
            "7\r\n, world\r\n"
            "0\r\nX-Trailer: yes\r\n\r\n";
    expect_done_at_every_split<RequestParser>(message + kFrame, message.size());
    RequestParser parser;
    ASSERT_EQ(parser.feed(message).status, ParseStatus::Done);
    EXPECT_EQ(parser.request().body, "hello, world");
}

TEST(RequestParser, AcceptsHttp10WithoutHost) {
    RequestParser parser;
    const auto out = feed_chunks(parser, {"GET /health HTTP/1.0\r\n\r\n"});
    ASSERT_EQ(out.status, ParseStatus::Done);
    EXPECT_EQ(parser.request().version, 10U);
}

TEST(RequestParser, ParsesPipelinedRequestsAfterReset) {
    const std::string first = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
    const std::string second = "DELETE /b HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok";
    const auto wire = first + second;
    RequestParser parser;
    const auto step = parser.feed(wire);
    ASSERT_EQ(step.status, ParseStatus::Done);
    ASSERT_EQ(step.used_bytes, first.size());
    EXPECT_EQ(parser.request().target, "/a");
    parser.reset();
    EXPECT_TRUE(parser.request().fields.all().empty());
    const auto next = parser.feed(std::string_view{wire}.substr(step.used_bytes));
    ASSERT_EQ(next.status, ParseStatus::Done);
    EXPECT_EQ(next.used_bytes, second.size());
    EXPECT_EQ(parser.request().method, "DELETE");
    EXPECT_EQ(parser.request().body, "ok");
    EXPECT_EQ(parser.request().fields.count("host"), 1U);
}

TEST(RequestParser, KeepsReportingDoneWithoutConsuming) {
    RequestParser parser;
    ASSERT_EQ(parser.feed(kUpgrade).status, ParseStatus::Done);
    const auto again = parser.feed(kFrame);
    EXPECT_EQ(again.status, ParseStatus::Done);
    EXPECT_EQ(again.used_bytes, 0U);
    EXPECT_EQ(parser.request().fields.count("Host"), 1U);
}

TEST(RequestParser, KeepsReportingTheSameError) {
    RequestParser parser;
    const auto first = parser.feed("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n");
    ASSERT_EQ(first.status, ParseStatus::Error);
    const auto again = parser.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    EXPECT_EQ(again.status, ParseStatus::Error);
    EXPECT_EQ(again.error_status, first.error_status);
    EXPECT_EQ(again.error, first.error);
    EXPECT_EQ(again.used_bytes, 0U);
}

TEST(RequestParser, NeedsMoreForAnUnfinishedHeader) {
    RequestParser parser;
    const auto step = parser.feed("GET / HTTP/1.1\r\nHost: h\r\n");
    EXPECT_EQ(step.status, ParseStatus::NeedMore);
    EXPECT_EQ(step.used_bytes, 25U);
}

TEST(RequestParser, RejectsMalformedRequestsAtEverySplit) {
    expect_error_at_every_split("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    expect_error_at_every_split("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 400);
    expect_error_at_every_split("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", 400);
    expect_error_at_every_split("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1x\r\n\r\n", 400);
    expect_error_at_every_split(
            "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400);
}

TEST(RequestParser, ExplainsWhatIsWrong) {
    RequestParser parser;
    const auto step = parser.feed("GET / HTTP/3.0\r\nHost: h\r\n\r\n");
    ASSERT_EQ(step.status, ParseStatus::Error);
    EXPECT_NE(step.error.find("HTTP version"), std::string::npos) << step.error;
}

TEST(RequestParser, RequiresExactlyOneHostInHttp11) {
    expect_error_at_every_split("GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n", 400);
    expect_error_at_every_split("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
}

TEST(RequestParser, RejectsRequestFramingThatCouldSmuggle) {
    // RFC 9112 §6.1: a request whose Transfer-Encoding does not end in chunked has no length.
    expect_error_at_every_split("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n",
                                400);
    expect_error_at_every_split(
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
            400);
    expect_error_at_every_split(
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
            400);
}

TEST(RequestParser, RejectsMalformedChunksAtEverySplit) {
    const std::string head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
    expect_error_at_every_split(head + "zz\r\nhi\r\n0\r\n\r\n", 400);
    expect_error_at_every_split(head + "2\r\nhiX\r\n0\r\n\r\n", 400);
}

TEST(RequestParser, RejectsBareLineFeedsOnceTheHeaderEnds) {
    RequestParser parser;
    const auto step = parser.feed("GET / HTTP/1.1\nHost: h\r\n\r\n");
    EXPECT_EQ(step.status, ParseStatus::Error);
    EXPECT_EQ(step.error_status, 400U);
}

std::string request_with_header_bytes(std::size_t total) {
    const std::string start = "GET / HTTP/1.1\r\nHost: h\r\nX-Pad: ";
    const std::string end = "\r\n\r\n";
    return start + std::string(total - start.size() - end.size(), 'a') + end;
}

TEST(RequestParser, AcceptsAHeaderOfExactlyTheLimit) {
    const ParserLimits limits{200, 100};
    const auto wire = request_with_header_bytes(200);
    ASSERT_EQ(wire.size(), 200U);
    support::for_each_split(wire, [&](const std::vector<std::string>& chunks) {
        RequestParser parser(limits);
        const auto out = feed_chunks(parser, chunks);
        EXPECT_EQ(out.status, ParseStatus::Done) << out.error;
        EXPECT_EQ(out.used_bytes, 200U);
    });
}

TEST(RequestParser, RefusesAHeaderOneByteOverTheLimitWith431) {
    const ParserLimits limits{200, 100};
    expect_error_at_every_split(request_with_header_bytes(201), 431, limits);
    RequestParser parser(limits);
    const auto step = parser.feed(request_with_header_bytes(201));
    EXPECT_NE(step.error.find("200 bytes"), std::string::npos) << step.error;
}

TEST(RequestParser, RefusesAnEndlessHeaderBeforeItEnds) {
    const ParserLimits limits{200, 100};
    RequestParser parser(limits);
    const std::string line = "X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
    auto step = parser.feed("GET / HTTP/1.1\r\n");
    for (int i = 0; i < 10 && step.status == ParseStatus::NeedMore; ++i) {
        step = parser.feed(line);
    }
    EXPECT_EQ(step.status, ParseStatus::Error);
    EXPECT_EQ(step.error_status, 431U);
}

TEST(RequestParser, RefusesADeclaredBodyOverTheLimitBeforeItArrives) {
    const ParserLimits limits{8192, 10};
    RequestParser parser(limits);
    const auto step = parser.feed("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n");
    EXPECT_EQ(step.status, ParseStatus::Error);
    EXPECT_EQ(step.error_status, 413U);
    EXPECT_NE(step.error.find("10 bytes"), std::string::npos) << step.error;
}

TEST(RequestParser, AcceptsABodyOfExactlyTheLimit) {
    const ParserLimits limits{8192, 10};
    RequestParser parser(limits);
    const auto step =
            parser.feed("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789");
    EXPECT_EQ(step.status, ParseStatus::Done);
    EXPECT_EQ(parser.request().body, "0123456789");
}

TEST(RequestParser, RefusesAChunkedBodyOverTheLimitWith413) {
    const ParserLimits limits{8192, 10};
    const std::string wire =
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            "6\r\n012345\r\n5\r\n01234\r\n0\r\n\r\n";
    expect_error_at_every_split(wire, 413, limits);
}

TEST(RequestParser, RefusesAnEndlessChunkLine) {
    const ParserLimits limits{128, 1024};
    const std::string wire =
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1;ext=" +
            std::string(200, 'e') + "\r\nx\r\n0\r\n\r\n";
    expect_error_at_every_split(wire, 400, limits);
}

TEST(RequestParser, JudgesAChunkLineTheSameHoweverItArrives) {
    // An extension whose quoted string never closes, followed by more chunk-like lines: the
    // verdict must not depend on how many pieces the line came in.
    const ParserLimits limits{416, 192};
    const std::string wire =
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            "5;a;name=\"v\x02\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    expect_error_at_every_split(wire, 400, limits);
    for (std::size_t size = 1; size < 8; ++size) {
        RequestParser parser(limits);
        const auto out = feed_chunks(parser, support::chunks_of(wire, size));
        EXPECT_EQ(out.error_status, 400U) << out.error;
    }
}

const std::string kSwitching =
        "HTTP/1.1 101 Switching Protocols\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
        "\r\n";

TEST(ResponseParser, ParsesSwitchingProtocolsAndLeavesFramesAtEverySplit) {
    expect_done_at_every_split<ResponseParser>(kSwitching + "\x81\x02hi", kSwitching.size());
    ResponseParser parser;
    ASSERT_EQ(parser.feed(kSwitching).status, ParseStatus::Done);
    EXPECT_EQ(parser.response().status, 101U);
    EXPECT_EQ(parser.response().version, 11U);
    EXPECT_EQ(parser.response().fields.get("sec-websocket-accept"), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    EXPECT_TRUE(parser.response().body.empty());
}

TEST(ResponseParser, ReadsAContentLengthBody) {
    const std::string message = "HTTP/1.1 400 Bad Request\r\nContent-Length: 5\r\n\r\nnope\n";
    expect_done_at_every_split<ResponseParser>(message + "extra", message.size());
    ResponseParser parser;
    ASSERT_EQ(parser.feed(message).status, ParseStatus::Done);
    EXPECT_EQ(parser.response().status, 400U);
    EXPECT_EQ(parser.response().body, "nope\n");
}

TEST(ResponseParser, ReadsAChunkedBody) {
    const std::string message =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n1\r\nd\r\n0\r\n\r\n";
    expect_done_at_every_split<ResponseParser>(message, message.size());
    ResponseParser parser;
    ASSERT_EQ(parser.feed(message).status, ParseStatus::Done);
    EXPECT_EQ(parser.response().body, "abcd");
}

TEST(ResponseParser, ReadsABodyDelimitedByTheEndOfTheConnection) {
    const std::string message = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end";
    support::for_each_split(message, [&](const std::vector<std::string>& chunks) {
        ResponseParser parser;
        const auto out = feed_chunks(parser, chunks);
        ASSERT_EQ(out.status, ParseStatus::NeedMore);
        EXPECT_EQ(out.used_bytes, message.size());
        EXPECT_EQ(parser.finish().status, ParseStatus::Done);
        EXPECT_EQ(parser.response().body, "until the end");
    });
}

TEST(ResponseParser, TreatsNoContentAsBodiless) {
    ResponseParser parser;
    const auto step = parser.feed("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1");
    ASSERT_EQ(step.status, ParseStatus::Done);
    EXPECT_EQ(step.used_bytes, 27U);
}

TEST(ResponseParser, FinishFailsOnATruncatedResponse) {
    ResponseParser truncated_header;
    ASSERT_EQ(truncated_header.feed("HTTP/1.1 101 Switching").status, ParseStatus::NeedMore);
    const auto end = truncated_header.finish();
    EXPECT_EQ(end.status, ParseStatus::Error);
    EXPECT_EQ(end.error_status, 400U);

    ResponseParser truncated_body;
    ASSERT_EQ(truncated_body.feed("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc").status,
              ParseStatus::NeedMore);
    EXPECT_EQ(truncated_body.finish().status, ParseStatus::Error);

    ResponseParser nothing;
    EXPECT_EQ(nothing.finish().status, ParseStatus::Error);
}

TEST(ResponseParser, RejectsMalformedStatusLines) {
    for (const std::string wire : {"HTTP/1.1 1x1 Switching Protocols\r\n\r\n",
                                   "HTTP/2 101 OK\r\n\r\n", "ICY 200 OK\r\n\r\n"}) {
        ResponseParser parser;
        const auto step = parser.feed(wire);
        EXPECT_EQ(step.status, ParseStatus::Error) << wire;
        EXPECT_EQ(step.error_status, 400U);
    }
}

TEST(ResponseParser, HonoursItsLimits) {
    ResponseParser header_limited(ParserLimits{64, 100});
    const auto header = header_limited.feed(kSwitching);
    EXPECT_EQ(header.status, ParseStatus::Error);
    EXPECT_EQ(header.error_status, 431U);

    ResponseParser body_limited(ParserLimits{8192, 4});
    const auto body = body_limited.feed("HTTP/1.1 200 OK\r\n\r\n12345");
    EXPECT_EQ(body.status, ParseStatus::Error);
    EXPECT_EQ(body.error_status, 413U);
}

}  // namespace
}  // namespace herald::http
