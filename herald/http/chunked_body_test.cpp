#include "herald/http/chunked_body.h"

#include <string>
#include <vector>

#include "tests/support/splits.h"
#include <gtest/gtest.h>

namespace herald::http {
namespace {

using Status = ChunkedStep::Status;

struct Decoded {
    ChunkedStep last;
    std::size_t used_bytes = 0;
    std::string body;
};

// Feeds the chunks the way a parser does: unconsumed bytes stay and the next chunk is appended.
Decoded decode(const std::vector<std::string>& chunks, std::size_t line_limit = 64,
               std::size_t body_limit = 1024) {
    ChunkedBody decoder(line_limit, body_limit);
    Decoded out;
    std::string pending;
    for (const auto& chunk : chunks) {
        pending += chunk;
        out.last = decoder.feed(pending, out.body);
        out.used_bytes += out.last.used_bytes;
        pending.erase(0, out.last.used_bytes);
        if (out.last.status != Status::NeedMore) {
            break;
        }
    }
    return out;
}

void expect_same_at_every_split(const std::string& wire, Status status, unsigned error_status,
                                std::size_t line_limit = 64, std::size_t body_limit = 1024) {
    support::for_each_split(wire, [&](const std::vector<std::string>& chunks) {
        const auto out = decode(chunks, line_limit, body_limit);
        EXPECT_EQ(out.last.status, status) << out.last.error;
        EXPECT_EQ(out.last.error_status, error_status) << out.last.error;
    });
}

TEST(ChunkedBody, DecodesChunksExtensionsAndTrailersAtEverySplit) {
    const std::string wire =
            "5;name=value;q=\"a \\\" b\"\r\nhello\r\n7 ; flag\r\n, world\r\n0\r\nX-T: yes\r\n\r\n";
    support::for_each_split(wire + "NEXT", [&](const std::vector<std::string>& chunks) {
        const auto out = decode(chunks);
        ASSERT_EQ(out.last.status, Status::Done) << out.last.error;
        EXPECT_EQ(out.used_bytes, wire.size());
        EXPECT_EQ(out.body, "hello, world");
    });
}

TEST(ChunkedBody, AcceptsUpperCaseHexAndLeadingZeros) {
    const auto out = decode({"00A\r\n0123456789\r\n000\r\n\r\n"});
    ASSERT_EQ(out.last.status, Status::Done) << out.last.error;
    EXPECT_EQ(out.body, "0123456789");
}

TEST(ChunkedBody, RejectsMalformedSizeLines) {
    for (const std::string wire :
         {"zz\r\nhi\r\n0\r\n\r\n", "\r\n", "2;\r\nhi\r\n0\r\n\r\n", "2;a=\"open\r\nhi\r\n0\r\n\r\n",
          "2 x\r\nhi\r\n0\r\n\r\n", "11111111111111111\r\n"}) {
        expect_same_at_every_split(wire, Status::Error, 400);
    }
}

TEST(ChunkedBody, RejectsDataNotFollowedByCrlf) {
    expect_same_at_every_split("2\r\nhiX\r\n0\r\n\r\n", Status::Error, 400);
    expect_same_at_every_split("2\r\nhi\rX0\r\n\r\n", Status::Error, 400);
}

TEST(ChunkedBody, RejectsMalformedTrailerFields) {
    expect_same_at_every_split("0\r\nno colon\r\n\r\n", Status::Error, 400);
    expect_same_at_every_split("0\r\n: empty name\r\n\r\n", Status::Error, 400);
    constexpr char kNul[] = "0\r\nX: a\0b\r\n\r\n";
    expect_same_at_every_split(std::string(kNul, sizeof kNul - 1), Status::Error, 400);
}

TEST(ChunkedBody, BoundsSizeLinesAndTheTrailerSection) {
    // A line of exactly the limit (CRLF included) passes; one byte more fails at every split.
    const std::string ext = ";e=" + std::string(64 - 6, 'x');
    expect_same_at_every_split("1" + ext + "\r\nx\r\n0\r\n\r\n", Status::Done, 0);
    expect_same_at_every_split("1" + ext + "x\r\nx\r\n0\r\n\r\n", Status::Error, 400);
    const std::string field = "X: " + std::string(20, 'v') + "\r\n";  // 25 bytes
    expect_same_at_every_split("0\r\n" + field + field + "\r\n", Status::Done, 0, 52);
    expect_same_at_every_split("0\r\n" + field + field + "\r\n", Status::Error, 400, 51);
}

TEST(ChunkedBody, RefusesABodyOverTheLimitAsSoonAsTheSizeLineIsRead) {
    expect_same_at_every_split("6\r\n012345\r\n4\r\n0123\r\n0\r\n\r\n", Status::Done, 0, 64, 10);
    expect_same_at_every_split("6\r\n012345\r\n5\r\n01234\r\n0\r\n\r\n", Status::Error, 413, 64,
                               10);
    const auto out = decode({"6\r\n012345\r\nFFFFFFFFFFFFFFFF\r\n"}, 64, 10);
    EXPECT_EQ(out.last.error_status, 413U);
    EXPECT_EQ(out.body, "012345");
}

}  // namespace
}  // namespace herald::http
