// herald/cluster/redis_link.cpp
#include "herald/cluster/redis_link.h"

// <utility> first: Boost 1.74 headers rely on it under GCC 12 in C++20 mode.
#include <stdexcept>
#include <utility>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <sys/time.h>

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

struct Argv {
    explicit Argv(const std::vector<std::string>& args) {
        for (const auto& a : args) {
            data.push_back(a.data());
            sizes.push_back(a.size());
        }
    }

    [[nodiscard]] int count() const { return static_cast<int>(data.size()); }

    [[nodiscard]] const char** strings() { return data.data(); }

    std::vector<const char*> data;
    std::vector<std::size_t> sizes;
};

std::vector<std::vector<std::string>> handshake(const RedisEndpoint& endpoint) {
    std::vector<std::vector<std::string>> out;
    if (endpoint.password) {
        if (endpoint.username) {
            out.push_back({"AUTH", *endpoint.username, *endpoint.password});
        } else {
            out.push_back({"AUTH", *endpoint.password});
        }
    }
    out.push_back({"SELECT", std::to_string(endpoint.db)});
    return out;
}

}  // namespace

// One hiredis connection and the descriptor Asio waits on for it. The waiting handlers share it,
// so it outlives hiredis' cleanup hook, which detaches it from the context.
struct Session {
    Session(boost::asio::io_context& io, redisAsyncContext* context)
        : ac(context), socket(io, context->c.fd) {}

    ~Session() {
        if (socket.is_open()) {
            (void)socket.release();  // hiredis owns the descriptor
        }
    }

    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    redisAsyncContext* ac;
    boost::asio::posix::stream_descriptor socket;
    std::weak_ptr<Session> self;
    std::weak_ptr<RedisLinkState> link;
    bool reading = false;
    bool writing = false;
    bool read_waiting = false;
    bool write_waiting = false;
    bool up = false;
    bool finished = false;  // down reported, or closed on purpose
    // hiredis is freeing the context itself (its connect or disconnect callback runs): freeing
    // it again from there would be a double free, since hiredis 0.14 does not defer a free
    // requested inside the connect callback.
    bool freed_by_hiredis = false;
};

struct RedisLinkState {
    RedisLinkState(net::Worker& worker, RedisEndpoint where, RedisLink::Handlers h)
        : loop(worker), endpoint(std::move(where)), handlers(std::move(h)) {}

    // Reports the session down once (unless it was closed on purpose).
    void finish(Session& s, const std::string& why) const {
        if (s.finished) {
            return;
        }
        s.finished = true;
        s.up = false;
        if (handlers.down) {
            handlers.down(why);
        }
    }

    net::Worker& loop;
    RedisEndpoint endpoint;
    RedisLink::Handlers handlers;
    std::shared_ptr<Session> session;
};

namespace {

Session& session_of(const void* data) {
    return *static_cast<Session*>(const_cast<void*>(data));
}

void arm(const std::shared_ptr<Session>& s, bool for_read) {
    auto& waiting = for_read ? s->read_waiting : s->write_waiting;
    const bool wanted = for_read ? s->reading : s->writing;
    if (waiting || !wanted || s->ac == nullptr) {
        return;
    }
    waiting = true;
    const auto kind = for_read ? boost::asio::posix::stream_descriptor::wait_read
                               : boost::asio::posix::stream_descriptor::wait_write;
    s->socket.async_wait(kind, [s, for_read](const boost::system::error_code& ec) {
        (for_read ? s->read_waiting : s->write_waiting) = false;
        if (ec || s->ac == nullptr || !(for_read ? s->reading : s->writing)) {
            return;
        }
        if (for_read) {
            redisAsyncHandleRead(s->ac);
        } else {
            redisAsyncHandleWrite(s->ac);
        }
        arm(s, for_read);
    });
}

void add_read(void* data) {
    auto& s = session_of(data);
    s.reading = true;
    arm(s.self.lock(), true);
}

void del_read(void* data) {
    session_of(data).reading = false;
}

void add_write(void* data) {
    auto& s = session_of(data);
    s.writing = true;
    arm(s.self.lock(), false);
}

void del_write(void* data) {
    session_of(data).writing = false;
}

void cleanup(void* data) {
    auto& s = session_of(data);
    s.ac = nullptr;
    s.reading = s.writing = false;
    if (s.socket.is_open()) {
        (void)s.socket.release();  // cancels the waits; hiredis closes the descriptor
    }
}

void on_connect(const redisAsyncContext* ac, int status) {
    auto& s = session_of(ac->ev.data);
    if (status == REDIS_OK) {
        return;  // the handshake's replies decide
    }
    s.freed_by_hiredis = true;
    if (const auto link = s.link.lock()) {
        link->finish(s, ac->errstr);
    }
}

void on_disconnect(const redisAsyncContext* ac, int status) {
    auto& s = session_of(ac->ev.data);
    s.freed_by_hiredis = true;
    if (const auto link = s.link.lock()) {
        link->finish(s, status == REDIS_OK ? std::string("connection closed") : ac->errstr);
    }
}

void on_reply(redisAsyncContext* /*ac*/, void* reply, void* privdata) {
    const std::unique_ptr<ReplyHandler> done(static_cast<ReplyHandler*>(privdata));
    if (!*done) {
        return;
    }
    if (reply == nullptr) {
        (*done)(std::nullopt);
    } else {
        (*done)(convert(*static_cast<redisReply*>(reply)));
    }
}

void on_push(redisAsyncContext* ac, void* reply, void* /*privdata*/) {
    if (reply == nullptr) {
        return;
    }
    auto& s = session_of(ac->ev.data);
    const auto link = s.link.lock();
    if (link && !s.finished && link->handlers.push) {
        link->handlers.push(convert(*static_cast<redisReply*>(reply)));
    }
}

void send(redisAsyncContext* ac, const std::vector<std::string>& args, ReplyHandler done) {
    Argv argv(args);
    auto holder = std::make_unique<ReplyHandler>(std::move(done));
    if (redisAsyncCommandArgv(ac, on_reply, holder.get(), argv.count(), argv.strings(),
                              argv.sizes.data()) == REDIS_OK) {
        (void)holder.release();  // on_reply owns it now
    } else if (*holder) {
        (*holder)(std::nullopt);
    }
}

}  // namespace

RedisLink::RedisLink(net::Worker& loop, RedisEndpoint endpoint, Handlers handlers)
    : state_(std::make_shared<RedisLinkState>(loop, std::move(endpoint), std::move(handlers))) {}

RedisLink::~RedisLink() {
    close();
}

bool RedisLink::is_up() const noexcept {
    const auto& s = state_->session;
    return s && s->up && !s->finished && s->ac != nullptr;
}

void RedisLink::open() {
    close();
    auto* ac = redisAsyncConnect(state_->endpoint.host.c_str(), state_->endpoint.port);
    if (ac == nullptr || ac->err != 0) {
        const std::string why = ac != nullptr ? ac->errstr : "out of memory";
        if (ac != nullptr) {
            redisAsyncFree(ac);
        }
        // Reported from the loop, like every other outcome, never from inside open().
        boost::asio::post(state_->loop.io_context(), [weak = std::weak_ptr(state_), why] {
            if (const auto link = weak.lock(); link && link->handlers.down) {
                link->handlers.down(why);
            }
        });
        return;
    }
    auto session = std::make_shared<Session>(state_->loop.io_context(), ac);
    session->self = session;
    session->link = state_;
    state_->session = session;
    ac->ev.data = session.get();
    ac->ev.addRead = add_read;
    ac->ev.delRead = del_read;
    ac->ev.addWrite = add_write;
    ac->ev.delWrite = del_write;
    ac->ev.cleanup = cleanup;
    redisAsyncSetConnectCallback(ac, on_connect);
    redisAsyncSetDisconnectCallback(ac, on_disconnect);
    // hiredis asked for write readiness (the connect) before the hooks existed: ask again.
    add_write(session.get());
    const auto steps = handshake(state_->endpoint);
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const bool last = i + 1 == steps.size();
        send(ac, steps[i],
             [this, weak = std::weak_ptr(session), last,
              what = steps[i][0]](std::optional<RedisValue> reply) {
                 auto s = weak.lock();
                 if (!s || s->finished || s != state_->session) {
                     return;
                 }
                 if (!reply || reply->is_error()) {
                     const auto why = what + " failed: " + (reply ? reply->text : "no reply");
                     state_->finish(*s, why);
                     boost::asio::post(state_->loop.io_context(), [s] {
                         if (s->ac != nullptr && !s->freed_by_hiredis) {
                             redisAsyncFree(s->ac);
                         }
                     });
                     return;
                 }
                 if (last) {
                     s->up = true;
                     if (state_->handlers.up) {
                         state_->handlers.up();
                     }
                 }
             });
    }
}

void RedisLink::close() {
    auto s = std::exchange(state_->session, nullptr);
    if (!s) {
        return;
    }
    s->finished = true;
    s->up = false;
    if (s->ac != nullptr && !s->freed_by_hiredis) {
        // Replies still pending get nullopt; cleanup() detaches the descriptor.
        redisAsyncFree(s->ac);
    }
}

void RedisLink::command(const std::vector<std::string>& args, ReplyHandler done) {
    const auto& s = state_->session;
    if (!s || s->finished || s->ac == nullptr || s->freed_by_hiredis) {
        if (done) {
            done(std::nullopt);
        }
        return;
    }
    send(s->ac, args, std::move(done));
}

void RedisLink::subscribe(const std::vector<std::string>& channels) {
    const auto& s = state_->session;
    if (!s || s->finished || s->ac == nullptr || s->freed_by_hiredis) {
        return;
    }
    std::vector<std::string> args{"SUBSCRIBE"};
    args.insert(args.end(), channels.begin(), channels.end());
    Argv argv(args);
    (void)redisAsyncCommandArgv(s->ac, on_push, nullptr, argv.count(), argv.strings(),
                                argv.sizes.data());
}

std::vector<RedisValue> run_blocking(const RedisEndpoint& endpoint,
                                     const std::vector<std::vector<std::string>>& commands,
                                     std::chrono::milliseconds timeout) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
    const timeval tv{static_cast<time_t>(seconds.count()),
                     static_cast<suseconds_t>((timeout - seconds).count() * 1000)};
    const std::unique_ptr<redisContext, void (*)(redisContext*)> c(
            redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, tv), redisFree);
    const auto where = describe(endpoint);
    if (!c || c->err != 0) {
        throw std::runtime_error("cannot reach Redis at " + where + ": " +
                                 (c ? c->errstr : "out of memory"));
    }
    (void)redisSetTimeout(c.get(), tv);
    auto all = handshake(endpoint);
    all.insert(all.end(), commands.begin(), commands.end());
    std::vector<RedisValue> out;
    for (const auto& args : all) {
        Argv argv(args);
        auto* raw = redisCommandArgv(c.get(), argv.count(), argv.strings(), argv.sizes.data());
        const std::unique_ptr<redisReply, void (*)(void*)> reply(static_cast<redisReply*>(raw),
                                                                 freeReplyObject);
        if (!reply) {
            throw std::runtime_error("Redis at " + where + " did not answer " + args[0] + ": " +
                                     c->errstr);
        }
        auto value = convert(*reply);
        if (value.is_error()) {
            throw std::runtime_error("Redis at " + where + " refused " + args[0] + ": " +
                                     value.text);
        }
        out.push_back(std::move(value));
    }
    out.erase(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(all.size() - commands.size()));
    return out;
}

}  // namespace herald::cluster
