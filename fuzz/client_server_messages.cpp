// fuzz/client_server_messages.cpp
//
// Any bytes from a server, fed to the client's sans-I/O core (client::Core) one message per line,
// interleaved with the application's calls and the passing of time. Each input line is
// "<op><rest>":
//   m  the rest is one text frame from the server
//   x  the server closes the WebSocket with code <rest> (digits)
//   s  subscribe to channel <rest>         u  unsubscribe from channel <rest>
//   t  trigger client event <rest> on the first subscribed channel, data {"n":1}
//   a  answer the oldest asynchronous authorization, a channel's or the user's (<rest> "!"
//      refuses it, "?" answers garbage)
//   i  signin()
//   k  <rest> milliseconds pass (digits, capped), then tick() if due
//   K  time jumps to next_deadline(), then tick()
//   c  connect()                           d  disconnect()
// The first byte of the input chooses the authorizers: odd bytes synchronous callbacks, even
// bytes the asynchronous ones (the HTTP auth endpoints' path). Encrypted channels are authorized
// with a shared_secret, and a 4000 close switches to TLS once. Channel events whose name ends in
// "!u", "!d" or "!c" make the callback unsubscribe, disconnect or connect from inside the core,
// as an application's callback may.
// Properties: the core opens a WebSocket only when none is open and sends only on an open one;
// everything it sends is a valid client message; every state change changes the state; a
// connected core has a socket id; after tick(now) nothing is due at or before now (the client's
// timer would spin); every channel event names a channel the core holds; a user event has a
// name; after disconnect() nothing is open or due.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fuzz/fuzz_input.h"

#include "herald/client/core.h"
#include "herald/pusher/auth.h"
#include "herald/pusher/channel.h"
#include "herald/pusher/message.h"
#include "herald/pusher/server_message_reader.h"

namespace {

using herald::fuzzing::check;
using herald::fuzzing::next_line;

namespace client = herald::client;
namespace pusher = herald::pusher;

constexpr std::string_view kKey = "app-key";
constexpr std::string_view kSecret = "app-secret";
constexpr std::uint64_t kMaxStepMs = 600000;
// base64 of 32 bytes: the shared_secret of every encrypted channel.
constexpr std::string_view kSharedSecret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
constexpr std::string_view kUserData = R"({"id":"7","watchlist":["8"]})";

std::uint64_t digits(std::string_view text, std::uint64_t fallback) {
    std::uint64_t value = fallback;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

// A valid authorization for `channel` on `socket_id` (presence channels get channel_data).
std::string authorization(std::string_view socket_id, std::string_view channel) {
    std::optional<std::string> data;
    if (pusher::is_presence(pusher::classify_channel(channel))) {
        data = R"({"user_id":"7","user_info":{"name":"Ann"}})";
    }
    const auto auth = pusher::channel_auth(kKey, kSecret, socket_id, channel, data);
    std::string json = R"({"auth":")" + auth + "\"";
    if (data) {
        json += R"(,"channel_data":"{\"user_id\":\"7\",\"user_info\":{\"name\":\"Ann\"}}")";
    }
    if (pusher::is_encrypted(pusher::classify_channel(channel))) {
        json += R"(,"shared_secret":")" + std::string(kSharedSecret) + "\"";
    }
    return json + "}";
}

// A valid sign-in for `socket_id`: {auth, user_data}.
std::string user_authentication(std::string_view socket_id) {
    return R"({"auth":")" + pusher::user_auth(kKey, kSecret, socket_id, kUserData) +
           R"(","user_data":"{\"id\":\"7\",\"watchlist\":[\"8\"]}"})";
}

struct Pending {
    std::string socket_id;
    std::optional<std::string> channel;  // none: the user's sign-in
};

// The transport and the application around one Core, checking what the core asks of them.
class World {
public:
    explicit World(bool asynchronous)
        : core_(client::Timeouts{std::chrono::milliseconds(1000), std::chrono::milliseconds(500),
                                 std::chrono::milliseconds(2000), std::chrono::milliseconds(100),
                                 std::chrono::milliseconds(1000)},
                hooks(asynchronous)) {}

    void line(std::string_view line) {
        if (line.empty()) {
            return;
        }
        const char op = line.front();
        const auto rest = line.substr(1);
        switch (op) {
            case 'm':
                if (open_) {
                    core_.socket_message(rest, now_);
                }
                break;
            case 'x':
                if (open_) {
                    open_ = false;
                    core_.socket_closed(static_cast<std::uint16_t>(digits(rest, 1006)), now_);
                }
                break;
            case 's':
                (void)core_.subscribe(rest);
                break;
            case 'u':
                core_.unsubscribe(rest);
                break;
            case 't':
                trigger(rest);
                break;
            case 'a':
                answer(rest);
                break;
            case 'i':
                core_.signin();
                break;
            case 'k':
                now_ += std::chrono::milliseconds(std::min(digits(rest, 1), kMaxStepMs));
                tick_if_due();
                break;
            case 'K':
                if (const auto due = core_.next_deadline()) {
                    now_ = std::max(now_, *due);
                }
                tick_if_due();
                break;
            case 'c':
                core_.connect(now_);
                break;
            case 'd':
                core_.disconnect();
                break;
            default:
                break;
        }
        check_invariants();
    }

    void finish() {
        core_.disconnect();
        check(!open_);
        check(!core_.next_deadline());
        check(core_.state() == client::State::Initialized ||
              core_.state() == client::State::Disconnected);
    }

private:
    client::CoreHooks hooks(bool asynchronous) {
        client::CoreHooks h;
        h.open = [this] {
            check(!open_);  // the previous WebSocket was dropped or reported closed first
            open_ = true;
        };
        h.send = [this](const std::string& text) {
            check(open_);
            check(pusher::parse_client_message(text).has_value());
        };
        h.drop = [this](std::uint16_t /*code*/) {
            check(open_);
            open_ = false;
        };
        h.state_changed = [this](client::State previous, client::State current) {
            check(previous != current);
            check(previous == state_);
            state_ = current;
        };
        h.event = [this](const client::Event& event) {
            on_event(event);
        };
        h.user_event = [](const client::Event& event, client::UserScope /*scope*/) {
            check(!event.event.empty());
        };
        h.use_tls = [this] {
            return !std::exchange(tls_, true);
        };
        if (asynchronous) {
            h.authorize_async = [this](const std::string& socket_id, const std::string& channel) {
                pending_.push_back({socket_id, channel});
            };
            h.authenticate_user_async = [this](const std::string& socket_id) {
                pending_.push_back({socket_id, std::nullopt});
            };
        } else {
            h.authenticate_user = [this](std::string_view socket_id) -> client::AuthResult {
                if (++authorizations_ % 3 == 0) {
                    return herald::util::unexpected(std::string("refused"));
                }
                return user_authentication(socket_id);
            };
            h.authorize = [this](std::string_view socket_id,
                                 std::string_view channel) -> client::AuthResult {
                // Every third channel is refused, to reach the refusal paths too.
                if (++authorizations_ % 3 == 0) {
                    return herald::util::unexpected(std::string("refused"));
                }
                return authorization(socket_id, channel);
            };
        }
        h.random = [] {
            return 0.5;
        };
        return h;
    }

    void on_event(const client::Event& event) {
        check(!event.event.empty());
        if (event.event == pusher::events::kMemberAdded ||
            event.event == pusher::events::kMemberRemoved) {
            check(event.user_id.has_value());
        }
        if (event.channel.empty() || event.event == pusher::events::kError) {
            return;
        }
        check(core_.channels().find(event.channel) != nullptr);
        if (event.event.ends_with("!u")) {
            core_.unsubscribe(event.channel);
        } else if (event.event.ends_with("!d")) {
            core_.disconnect();
        } else if (event.event.ends_with("!c")) {
            core_.connect(now_);
        }
    }

    void trigger(std::string_view event) {
        for (const auto& name : core_.channels().names()) {
            if (core_.channels().status(name) == client::ChannelStatus::Subscribed) {
                (void)core_.trigger(name, event, R"({"n":1})", now_);
                return;
            }
        }
    }

    void answer(std::string_view how) {
        if (pending_.empty()) {
            return;
        }
        const Pending request = std::move(pending_.front());
        pending_.pop_front();
        client::AuthResult result = std::string("{not json");
        int status = 200;
        if (how == "!") {
            result = herald::util::unexpected(std::string("HTTP 403"));
            status = 403;
        } else if (how != "?") {
            result = request.channel ? authorization(request.socket_id, *request.channel)
                                     : user_authentication(request.socket_id);
        }
        if (request.channel) {
            core_.authorized(request.socket_id, *request.channel, result, status);
        } else {
            core_.user_authenticated(request.socket_id, result, status);
        }
    }

    void tick_if_due() {
        const auto due = core_.next_deadline();
        if (!due || *due > now_) {
            return;
        }
        core_.tick(now_);
        const auto next = core_.next_deadline();
        check(!next || *next > now_);  // else the client's timer fires again at once, forever
    }

    void check_invariants() const {
        check(core_.state() == state_);
        if (core_.state() == client::State::Connected) {
            check(!core_.socket_id().empty());
            check(open_);
        }
        if (core_.state() == client::State::Failed ||
            core_.state() == client::State::Disconnected) {
            check(!open_);
        }
    }

    client::Core core_;
    client::Clock::time_point now_{std::chrono::hours(1)};
    client::State state_ = client::State::Initialized;
    bool open_ = false;
    bool tls_ = false;
    std::deque<Pending> pending_;
    unsigned authorizations_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    World world(bytes[0] % 2 == 0);
    std::string_view input(reinterpret_cast<const char*>(bytes) + 1, size - 1);
    while (!input.empty()) {
        world.line(next_line(input));
    }
    world.finish();
    return 0;
}
