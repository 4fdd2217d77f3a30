// herald/cluster/resp_connection.cpp
#include "herald/cluster/resp_connection.h"

// <utility> first: Boost 1.74 headers rely on it under GCC 12 in C++20 mode.
#include <deque>
#include <string_view>
#include <utility>

#include <boost/asio/post.hpp>
#include <hiredis/hiredis.h>

#include "herald/net/connect.h"
#include "herald/net/stream.h"

namespace herald::cluster {

namespace {

RedisValue convert(const redisReply& reply) {
    RedisValue value;
    switch (reply.type) {
        case REDIS_REPLY_INTEGER:
            value.type = RedisValue::Type::Integer;
            value.integer = reply.integer;
            break;
        case REDIS_REPLY_STRING:
        case REDIS_REPLY_STATUS:
        case REDIS_REPLY_ERROR:
            value.type = reply.type == REDIS_REPLY_STRING   ? RedisValue::Type::String
                         : reply.type == REDIS_REPLY_STATUS ? RedisValue::Type::Status
                                                            : RedisValue::Type::Error;
            value.text.assign(reply.str, reply.len);
            break;
        case REDIS_REPLY_ARRAY:
            value.type = RedisValue::Type::Array;
            value.elements.reserve(reply.elements);
            for (std::size_t i = 0; i < reply.elements; ++i) {
                value.elements.push_back(convert(*reply.element[i]));
            }
            break;
        default:
            break;
    }
    return value;
}

// The command in RESP, as hiredis builds it.
std::string format(const std::vector<std::string>& args) {
    std::vector<const char*> data;
    std::vector<std::size_t> sizes;
    for (const auto& a : args) {
        data.push_back(a.data());
        sizes.push_back(a.size());
    }
    char* raw = nullptr;
    const int length =
            redisFormatCommandArgv(&raw, static_cast<int>(data.size()), data.data(), sizes.data());
    if (length < 0 || raw == nullptr) {
        return {};
    }
    std::string out(raw, static_cast<std::size_t>(length));
    redisFreeCommand(raw);
    return out;
}

struct ReaderFree {
    void operator()(redisReader* r) const noexcept { redisReaderFree(r); }
};

}  // namespace

// One attempt: the stream once connected, the bytes waiting to go out, the handlers waiting for
// replies. The stream's operations keep it alive; the RespConnection drops it on close().
struct RespConnectionState final : net::StreamEvents,
                                   std::enable_shared_from_this<RespConnectionState> {
    explicit RespConnectionState(const RespConnection::Handlers& h)
        : handlers(h), reader(redisReaderCreate()) {}

    void connected(const std::error_code& error, net::StreamPtr made, const std::string& where) {
        if (finished) {
            if (made) {
                made->close();
            }
            return;
        }
        if (error) {
            fail(where + ": " + error.message());
            return;
        }
        stream = std::move(made);
        stream->async_read(shared_from_this());
        write_more();
        if (!finished && handlers.connected) {
            handlers.connected();
        }
    }

    void send(const std::vector<std::string>& args) {
        outbox += format(args);
        if (stream && !writing) {
            write_more();
        }
    }

    void write_more() {
        if (inflight.empty()) {
            inflight.swap(outbox);
        }
        if (inflight.empty() || finished) {
            writing = false;
            return;
        }
        writing = true;
        part = inflight;
        stream->async_write(std::span<const std::string_view>(&part, 1), shared_from_this());
    }

    void on_write(const std::error_code& error, std::size_t bytes) override {
        if (finished) {
            return;
        }
        if (error) {
            fail("write failed: " + error.message());
            return;
        }
        inflight.erase(0, bytes);
        write_more();
    }

    void on_read(const std::error_code& error, std::span<char> data) override {
        if (finished) {
            return;
        }
        if (error) {
            fail("connection lost: " + error.message());
            return;
        }
        if (redisReaderFeed(reader.get(), data.data(), data.size()) != REDIS_OK) {
            fail(std::string("unreadable reply: ") + reader->errstr);
            return;
        }
        const auto self = shared_from_this();  // a handler may close the connection
        while (!finished) {
            void* raw = nullptr;
            if (redisReaderGetReply(reader.get(), &raw) != REDIS_OK) {
                fail(std::string("unreadable reply: ") + reader->errstr);
                return;
            }
            if (raw == nullptr) {
                break;
            }
            const std::unique_ptr<redisReply, void (*)(void*)> reply(static_cast<redisReply*>(raw),
                                                                     freeReplyObject);
            dispatch(convert(*reply));
        }
        if (!finished) {
            stream->async_read(self);
        }
    }

    void dispatch(const RedisValue& value) {
        if (!pending.empty()) {
            auto done = std::move(pending.front());
            pending.pop_front();
            if (done) {
                done(value);
            }
        } else if (subscribed && handlers.push) {
            handlers.push(value);
        }
    }

    // Ends the attempt; `why` set: reported as down.
    void finish(const std::optional<std::string>& why) {
        if (finished) {
            return;
        }
        finished = true;
        if (stream) {
            stream->close();
        }
        if (why && handlers.down) {
            handlers.down(*why);
        }
        auto waiting = std::move(pending);
        for (auto& done : waiting) {
            if (done) {
                done(std::nullopt);
            }
        }
    }

    void fail(const std::string& why) { finish(why); }

    const RespConnection::Handlers& handlers;
    std::unique_ptr<redisReader, ReaderFree> reader;
    net::StreamPtr stream;
    std::deque<ReplyHandler> pending;
    std::string outbox;    // formatted, not yet handed to the stream
    std::string inflight;  // handed to the stream, not yet all written
    std::string_view part;
    bool writing = false;
    bool subscribed = false;
    bool finished = false;
};

RespConnection::RespConnection(net::Worker& loop, Handlers handlers)
    : loop_(loop), handlers_(std::move(handlers)) {}

RespConnection::~RespConnection() {
    close();
}

void RespConnection::open(const RespAddress& address) {
    close();
    auto state = std::make_shared<RespConnectionState>(handlers_);
    state_ = state;
    const auto where = "connecting to " + address.host + ":" + std::to_string(address.port) +
                       (address.tls ? " over TLS" : "");
    net::ConnectOptions options{address.host, address.port, address.timeout, address.tls, {}};
    // Posted, so that `down` never runs inside open() even when the connection fails at once.
    boost::asio::post(loop_.io_context(), [&loop = loop_, state, options = std::move(options),
                                           where] {
        if (state->finished) {
            return;
        }
        net::async_connect(loop, options,
                           [state, where](const std::error_code& error, net::StreamPtr stream) {
                               state->connected(error, std::move(stream), where);
                           });
    });
}

void RespConnection::close() {
    if (const auto state = std::exchange(state_, nullptr)) {
        state->finish(std::nullopt);
    }
}

bool RespConnection::is_connected() const noexcept {
    return state_ && state_->stream && !state_->finished;
}

void RespConnection::command(const std::vector<std::string>& args, ReplyHandler done) {
    if (!state_ || state_->finished) {
        if (done) {
            done(std::nullopt);
        }
        return;
    }
    state_->pending.push_back(std::move(done));
    state_->send(args);
}

void RespConnection::subscribe(const std::vector<std::string>& channels) {
    if (!state_ || state_->finished) {
        return;
    }
    std::vector<std::string> args{"SUBSCRIBE"};
    args.insert(args.end(), channels.begin(), channels.end());
    state_->subscribed = true;
    state_->send(args);
}

}  // namespace herald::cluster
