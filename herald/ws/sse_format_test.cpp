// herald/ws/sse_format_test.cpp
#include "herald/ws/sse_format.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace herald::ws {
namespace {

struct Parsed {
    std::string event;
    std::string data;
    std::string id;
    std::string retry;
};

// A client per the standard's "interpret an event stream" (§9.2.6), enough to check round trips.
std::vector<Parsed> parse_stream(std::string_view text) {
    std::vector<Parsed> out;
    Parsed current;
    std::string data;
    bool has_data = false;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        const std::string_view line = text.substr(start, end - start);
        start = end + 1;
        if (line.empty()) {
            if (has_data) {
                current.data = data.substr(0, data.size() - 1);
                out.push_back(current);
            }
            current = {};
            data.clear();
            has_data = false;
            continue;
        }
        if (line.front() == ':') {
            continue;
        }
        const std::size_t colon = line.find(':');
        const std::string_view name = line.substr(0, colon);
        std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') {
            value.remove_prefix(1);
        }
        if (name == "data") {
            data.append(value).append("\n");
            has_data = true;
        } else if (name == "event") {
            current.event = value;
        } else if (name == "id") {
            current.id = value;
        } else if (name == "retry") {
            current.retry = value;
        }
    }
    return out;
}

SseEvent with_data(std::string_view data) {
    SseEvent event;
    event.data = data;
    return event;
}

TEST(SseFormat, WritesASingleLineEvent) {
    EXPECT_EQ(format_event(with_data("hello")), "data: hello\n\n");
}

TEST(SseFormat, WritesEventTypeIdAndRetryBeforeTheData) {
    SseEvent event;
    event.data = "x";
    event.event = "tick";
    event.id = "41";
    event.retry = std::chrono::milliseconds(2500);
    EXPECT_EQ(format_event(event), "event: tick\nid: 41\nretry: 2500\ndata: x\n\n");
}

TEST(SseFormat, SplitsDataOnEveryKindOfLineBreak) {
    EXPECT_EQ(format_event(with_data("a\nb\r\nc\rd")), "data: a\ndata: b\ndata: c\ndata: d\n\n");
}

TEST(SseFormat, DataSurvivesTheRoundTripThroughAClient) {
    for (const std::string data : {"", "one", "two\nlines", "trailing\n", "\n\nblank", " lead",
                                   "crlf\r\nmix\rend", "colon: inside", "data: fake\n\nevent"}) {
        const auto events = parse_stream(format_event(with_data(data)));
        ASSERT_EQ(events.size(), 1U) << data;
        std::string expected = data;
        for (std::size_t i = 0; (i = expected.find('\r', i)) != std::string::npos;) {
            const bool crlf = i + 1 < expected.size() && expected[i + 1] == '\n';
            expected.replace(i, crlf ? 2 : 1, "\n");
        }
        EXPECT_EQ(events[0].data, expected) << data;
    }
}

TEST(SseFormat, LineBreaksInEventAndIdCannotInjectFields) {
    SseEvent event;
    event.data = "payload";
    event.event = "evil\n\ndata: injected";
    event.id = std::string_view("7\r\nretry: 1\0x", 13);
    const auto events = parse_stream(format_event(event));
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].data, "payload");
    EXPECT_EQ(events[0].event, "evildata: injected");
    EXPECT_EQ(events[0].id, "7retry: 1x");
    EXPECT_EQ(events[0].retry, "");
}

TEST(SseFormat, CommentsPrefixEveryLineAndAreIgnoredByClients) {
    EXPECT_EQ(format_comment(""), ":\n");
    EXPECT_EQ(format_comment("keep-alive"), ":keep-alive\n");
    EXPECT_EQ(format_comment("a\nb"), ":a\n:b\n");
    EXPECT_TRUE(parse_stream(format_comment("a\ndata: x") + "\n").empty());
}

TEST(SseFormat, HeadDeclaresAnEventStreamWithoutALength) {
    const std::string head = event_stream_head();
    EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0U);
    EXPECT_NE(head.find("Content-Type: text/event-stream\r\n"), std::string::npos);
    EXPECT_NE(head.find("Cache-Control: no-cache\r\n"), std::string::npos);
    EXPECT_EQ(head.find("Content-Length"), std::string::npos);
    EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");
}

TEST(SseFormat, NegativeRetryIsWrittenAsZero) {
    SseEvent event;
    event.retry = std::chrono::milliseconds(-5);
    EXPECT_EQ(format_event(event), "retry: 0\ndata: \n\n");
}

}  // namespace
}  // namespace herald::ws
