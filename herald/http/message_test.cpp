#include "herald/http/message.h"

#include <string>

#include <gtest/gtest.h>

namespace herald::http {
namespace {

TEST(Fields, GetIgnoresCaseAndReturnsTheFirstValue) {
    Fields fields;
    fields.add("Sec-WebSocket-Protocol", "a");
    fields.add("sec-websocket-protocol", "b");
    ASSERT_TRUE(fields.get("SEC-WEBSOCKET-PROTOCOL").has_value());
    EXPECT_EQ(*fields.get("SEC-WEBSOCKET-PROTOCOL"), "a");
    EXPECT_FALSE(fields.get("Sec-WebSocket-Protocols").has_value());
    EXPECT_FALSE(fields.get("").has_value());
}

TEST(Fields, JoinsRepeatedFieldsWithCommaSpace) {
    Fields fields;
    fields.add("Connection", "keep-alive");
    fields.add("Host", "example.com");
    fields.add("connection", "Upgrade");
    EXPECT_EQ(fields.joined("CONNECTION"), "keep-alive, Upgrade");
    EXPECT_EQ(fields.joined("Host"), "example.com");
    EXPECT_EQ(fields.joined("Upgrade"), "");
}

TEST(Fields, CountsFieldsCaseInsensitively) {
    Fields fields;
    fields.add("A", "1");
    fields.add("a", "2");
    fields.add("B", "3");
    EXPECT_EQ(fields.count("a"), 2U);
    EXPECT_EQ(fields.count("b"), 1U);
    EXPECT_EQ(fields.count("c"), 0U);
}

TEST(Fields, SetReplacesEveryFieldOfThatNameWithOne) {
    Fields fields;
    fields.add("X-One", "1");
    fields.add("Vary", "a");
    fields.add("x-one", "2");
    fields.set("X-ONE", "3");
    ASSERT_EQ(fields.all().size(), 2U);
    EXPECT_EQ(fields.all()[0].name, "X-One");  // the first occurrence keeps its place and spelling
    EXPECT_EQ(fields.all()[0].value, "3");
    EXPECT_EQ(fields.all()[1].name, "Vary");
}

TEST(Fields, SetAppendsWhenAbsent) {
    Fields fields;
    fields.add("A", "1");
    fields.set("B", "2");
    ASSERT_EQ(fields.all().size(), 2U);
    EXPECT_EQ(fields.all()[1].name, "B");
    EXPECT_EQ(fields.all()[1].value, "2");
}

TEST(Fields, KeepsInsertionOrderAndSpelling) {
    Fields fields;
    fields.add("zeta", "1");
    fields.add("Alpha", "2");
    ASSERT_EQ(fields.all().size(), 2U);
    EXPECT_EQ(fields.all()[0].name, "zeta");
    EXPECT_EQ(fields.all()[1].name, "Alpha");
}

TEST(Request, SplitsTargetIntoPathAndQuery) {
    Request request;
    request.target = "/app/key?protocol=7&client=js";
    EXPECT_EQ(request.path(), "/app/key");
    EXPECT_EQ(request.query(), "protocol=7&client=js");
}

TEST(Request, QueryIsEmptyWithoutQuestionMark) {
    Request request;
    request.target = "/apps/1/events";
    EXPECT_EQ(request.path(), "/apps/1/events");
    EXPECT_EQ(request.query(), "");
    request.target = "/x?";
    EXPECT_EQ(request.path(), "/x");
    EXPECT_EQ(request.query(), "");
    request.target = "/x?a?b";
    EXPECT_EQ(request.path(), "/x");
    EXPECT_EQ(request.query(), "a?b");
}

TEST(ReasonPhrase, KnowsTheStatusesHeraldSends) {
    EXPECT_EQ(reason_phrase(101), "Switching Protocols");
    EXPECT_EQ(reason_phrase(200), "OK");
    EXPECT_EQ(reason_phrase(400), "Bad Request");
    EXPECT_EQ(reason_phrase(405), "Method Not Allowed");
    EXPECT_EQ(reason_phrase(413), "Content Too Large");
    EXPECT_EQ(reason_phrase(426), "Upgrade Required");
    EXPECT_EQ(reason_phrase(431), "Request Header Fields Too Large");
    EXPECT_EQ(reason_phrase(503), "Service Unavailable");
    EXPECT_EQ(reason_phrase(799), "Unknown");
}

TEST(SerializeResponse, WritesStatusLineFieldsAndContentLength) {
    Response response;
    response.status = 404;
    response.fields.add("Content-Type", "text/plain");
    response.body = "nope";
    EXPECT_EQ(
            serialize(response),
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\nnope");
}

TEST(SerializeResponse, AddsZeroContentLengthWhenStatusAllowsABody) {
    Response response;
    EXPECT_EQ(serialize(response), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
}

TEST(SerializeResponse, OmitsContentLengthForSwitchingProtocolsAndNoContent) {
    Response upgrade;
    upgrade.status = 101;
    upgrade.fields.add("Upgrade", "websocket");
    upgrade.fields.add("Connection", "Upgrade");
    EXPECT_EQ(serialize(upgrade),
              "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: "
              "Upgrade\r\n\r\n");
    Response empty;
    empty.status = 204;
    EXPECT_EQ(serialize(empty), "HTTP/1.1 204 No Content\r\n\r\n");
    Response not_modified;
    not_modified.status = 304;
    EXPECT_EQ(serialize(not_modified), "HTTP/1.1 304 Not Modified\r\n\r\n");
}

TEST(SerializeResponse, KeepsExplicitFraming) {
    Response with_length;
    with_length.fields.add("content-length", "2");
    with_length.body = "ok";
    EXPECT_EQ(serialize(with_length), "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
    Response chunked;
    chunked.fields.add("Transfer-Encoding", "chunked");
    chunked.body = "2\r\nok\r\n0\r\n\r\n";
    EXPECT_EQ(serialize(chunked),
              "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");
}

TEST(SerializeResponse, WritesHttp10) {
    Response response;
    response.version = 10;
    response.status = 503;
    EXPECT_EQ(serialize(response), "HTTP/1.0 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
}

TEST(SerializeRequest, WritesRequestLineAndFieldsWithoutLengthForEmptyBody) {
    Request request;
    request.target = "/app/key?protocol=7";
    request.fields.add("Host", "127.0.0.1:6001");
    request.fields.add("Upgrade", "websocket");
    EXPECT_EQ(serialize(request),
              "GET /app/key?protocol=7 HTTP/1.1\r\nHost: 127.0.0.1:6001\r\nUpgrade: "
              "websocket\r\n\r\n");
}

TEST(SerializeRequest, AddsContentLengthForABody) {
    Request request;
    request.method = "POST";
    request.target = "/apps/1/events";
    request.fields.add("Host", "h");
    request.body = R"({"name":"e"})";
    EXPECT_EQ(
            serialize(request),
            "POST /apps/1/events HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\n\r\n" + request.body);
}

TEST(TextResponse, IsPlainTextAndClosesTheConnection) {
    const auto response = text_response(400, "missing Sec-WebSocket-Key\n");
    EXPECT_EQ(response.status, 400U);
    EXPECT_EQ(response.body, "missing Sec-WebSocket-Key\n");
    ASSERT_TRUE(response.fields.get("content-type").has_value());
    EXPECT_EQ(response.fields.get("content-type")->substr(0, 10), "text/plain");
    EXPECT_EQ(response.fields.get("connection"), "close");
    EXPECT_EQ(serialize(response),
              "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
              "Connection: close\r\nContent-Length: 26\r\n\r\nmissing Sec-WebSocket-Key\n");
}

}  // namespace
}  // namespace herald::http
