// herald/ws/deflate.h
//
// permessage-deflate (RFC 7692): negotiation of its four parameters, and the inflate/deflate
// streams. Inflation has a hard output limit so a compressed bomb fails with 1009 instead of
// eating memory. A message compressed without context takeover depends on nothing but itself,
// which lets a broadcast be compressed once and shared (see broadcast.h).
// Owner: negotiation is pure; Inflater/Deflater belong to one connection (or one worker, when
// shared by connections that negotiated no context takeover).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "herald/ws/frame.h"

namespace herald::ws {

constexpr int kMinWindowBits = 9;  // zlib cannot produce raw deflate with an 8-bit window
constexpr int kMaxWindowBits = 15;

// What one side is willing to do. Defaults favour memory: no context takeover in either direction
// means no per-connection zlib state and lets broadcasts be compressed once.
struct DeflateOptions {
    bool enabled = false;
    bool server_no_context_takeover = true;
    bool client_no_context_takeover = true;
    int server_max_window_bits = kMaxWindowBits;
    int client_max_window_bits = kMaxWindowBits;
    int level = 6;                       // zlib level 1..9
    std::size_t min_message_bytes = 32;  // smaller messages are sent uncompressed
};

// The agreement both sides follow after the handshake.
struct DeflateParams {
    bool server_no_context_takeover = false;
    bool client_no_context_takeover = false;
    int server_max_window_bits = kMaxWindowBits;
    int client_max_window_bits = kMaxWindowBits;

    friend bool operator==(const DeflateParams&, const DeflateParams&) = default;
};

struct DeflateAgreement {
    DeflateParams params;
    std::string response;  // the Sec-WebSocket-Extensions value to answer with
};

// Server side. `offers` is the joined Sec-WebSocket-Extensions value. Returns the agreement for the
// first valid permessage-deflate offer the options can satisfy; nullopt declines the extension
// (no offer, invalid offers only, or disabled). An invalid offer is skipped, never half-answered.
[[nodiscard]] std::optional<DeflateAgreement> negotiate_deflate(std::string_view offers,
                                                                const DeflateOptions& options);

// Client side: the offer to send, e.g. "permessage-deflate; client_max_window_bits".
[[nodiscard]] std::string make_deflate_offer(const DeflateOptions& options);

// Client side: checks the server's answer to our offer. nullopt means the answer is not one we can
// accept and the client must fail the connection (RFC 7692 §7.1).
[[nodiscard]] std::optional<DeflateParams> accept_deflate_response(std::string_view response,
                                                                   const DeflateOptions& offered);

enum class InflateResult {
    Ok,
    TooBig,   // output would pass the limit: close with 1009
    Corrupt,  // not a valid deflate stream: close with 1007
};

class Inflater {
public:
    // `window_bits` is the peer's window (8..15 accepted; inflating with 15 covers smaller ones).
    Inflater(int window_bits, bool no_context_takeover);
    ~Inflater();
    Inflater(const Inflater&) = delete;
    Inflater& operator=(const Inflater&) = delete;

    // Inflates the next piece of a message's compressed payload, appending to `out`, which must
    // not grow past `max_out_bytes` in all (it may hold one byte more when TooBig is returned).
    // After TooBig or Corrupt the stream is reset and the message is lost.
    InflateResult inflate(std::string_view in, std::string& out, std::size_t max_out_bytes);

    // Ends the message: feeds the 00 00 ff ff trailer (RFC 7692 §7.2.2) and, without context
    // takeover, resets the stream. A message with no compressed bytes at all is empty.
    InflateResult finish(std::string& out, std::size_t max_out_bytes);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

class Deflater {
public:
    Deflater(int window_bits, bool no_context_takeover, int level);
    ~Deflater();
    Deflater(const Deflater&) = delete;
    Deflater& operator=(const Deflater&) = delete;

    // The compressed payload of one whole message, without the 00 00 ff ff tail (RFC 7692 §7.2.1).
    [[nodiscard]] std::string compress(std::string_view message);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// One message compressed with a fresh context: what any peer that negotiated server (or client)
// no context takeover with a window of at least `window_bits` can inflate.
[[nodiscard]] std::string deflate_message(std::string_view message, int window_bits, int level);

}  // namespace herald::ws
