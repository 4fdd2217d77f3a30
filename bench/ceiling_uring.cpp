// bench/ceiling_uring.cpp
//
// The fan-out ceiling again, with io_uring doing the writes: the same handshake, round policy,
// frame and latency stamp as bench_ceiling (ceiling_server.cpp), so that the two differ only in
// how a round reaches the sockets. A round queues one send per connection in the submission
// ring and hands the whole round to the kernel with one io_uring_enter, which also waits for the
// first completions. A socket whose buffer is full is not the program's business any more: the
// kernel arms its own poll and finishes the send when the socket drains, and the completion says
// how much was written (a short send is resubmitted from where it stopped).
//
// --op chooses the request:
//   send         IORING_OP_SEND of the shared frame (burst 1) or IORING_OP_SENDMSG of `burst`
//                copies (the default);
//   write-fixed  IORING_OP_WRITE_FIXED from the frame in a registered buffer (burst 1 only);
//   send-zc      IORING_OP_SEND_ZC from the registered buffer: no copy into the socket buffer, a
//                second completion when the kernel is done with the memory (burst 1 only).
// Accepting and reading (the handshake, then the client's close) stay on epoll: the epoll fd is
// itself watched by a poll request in the ring, so one wait covers both. Sockets are blocking so
// that io_uring waits for room instead of completing with EAGAIN; reads use MSG_DONTWAIT.
// Owner: the program's one thread.
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "bench/bench_support.h"
#include "bench/ceiling_rounds.h"
#include "bench/raw_websocket.h"
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace herald::bench {
namespace {

constexpr std::string_view kUsage =
        "bench_ceiling_uring [--host 127.0.0.1] [--port 0] [--connections N] [--burst 1]\n"
        "                    [--max-unsent-bytes 0] [--payload-bytes 100] [--rate ROUNDS_PER_SEC]\n"
        "                    [--op send|write-fixed|send-zc]";

// The completion tag of the poll request on the epoll fd; a send is tagged with its fd.
constexpr __u64 kEpollTag = ~__u64{0};

enum class Op {
    Send,
    WriteFixed,
    SendZeroCopy
};

Op parse_op(const std::string& text) {
    if (text == "send") {
        return Op::Send;
    }
    if (text == "write-fixed") {
        return Op::WriteFixed;
    }
    if (text == "send-zc") {
        return Op::SendZeroCopy;
    }
    fail("--op must be send, write-fixed or send-zc, not '" + text + "'", false);
}

struct Connection {
    bool open = false;
    bool upgraded = false;
    bool in_flight = false;   // a send of this connection is in the ring
    bool closing = false;     // close once its send completes
    std::size_t pending = 0;  // whole frames queued, the first possibly partly written
    std::size_t offset = 0;   // bytes of the first pending frame already written
    std::string request;      // the handshake request, until it is answered
    std::vector<iovec> iov;   // sendmsg's vector (burst > 1)
    msghdr message{};
};

class Server {
public:
    Server(const Options& options, RoundPolicy policy)
        : policy_(policy),
          op_(parse_op(options.text("op", "send"))),
          frame_(text_frame(bench_payload(policy.payload_bytes))),
          clock_(options, policy),
          connections_(raise_fd_limit(policy.connections + 64)),
          open_(connections_.size()) {
        if (op_ != Op::Send && policy.burst != 1) {
            fail("--op write-fixed and send-zc write one frame per round: use --burst 1", false);
        }
        listener_ = listen_tcp(options.text("host", "127.0.0.1"),
                               static_cast<std::uint16_t>(options.count("port", 0)));
        epoll_ = epoll_create1(EPOLL_CLOEXEC);
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.fd = -1;
        if (epoll_ < 0 || epoll_ctl(epoll_, EPOLL_CTL_ADD, listener_, &event) != 0) {
            fail("epoll");
        }
        // A whole round fits in the submission ring (the kernel's limit is 32,768 entries).
        std::size_t entries = 64;
        while (entries < policy.connections + 8 && entries < 32768) {
            entries *= 2;
        }
        io_uring_params params{};
        params.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL;
        params.cq_entries = static_cast<unsigned>(entries * 4);
        if (const int error =
                    io_uring_queue_init_params(static_cast<unsigned>(entries), &ring_, &params);
            error < 0) {
            errno = -error;
            fail("io_uring_queue_init_params");
        }
        iovec registered{frame_.data(), frame_.size()};
        if (op_ != Op::Send) {
            if (const int error = io_uring_register_buffers(&ring_, &registered, 1); error < 0) {
                errno = -error;
                fail("io_uring_register_buffers");
            }
        }
        watch_epoll();
    }

    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    ~Server() { io_uring_queue_exit(&ring_); }

    void run() {
        announce("listening " + std::to_string(local_port(listener_)));
        while (!stop_requested()) {
            if (clock_.broadcasting(open_.size()) && clock_.due() && may_start_round()) {
                round();
            }
            wait();
        }
        std::fprintf(
                stderr,
                "ceiling_uring: rounds=%zu gated=%zu sends=%zu short=%zu enters=%zu open=%zu\n",
                rounds_, gated_, sends_, short_, enters_, open_.size());
    }

private:
    // The same rule as bench_ceiling: no round while a connection has more than
    // max_unsent_bytes unwritten (and a send still in the ring counts as unwritten).
    [[nodiscard]] bool may_start_round() {
        for (const int fd : open_.fds()) {
            const Connection& c = connections_[static_cast<std::size_t>(fd)];
            if (c.pending * frame_.size() - c.offset > policy_.max_unsent_bytes) {
                ++gated_;
                return false;
            }
        }
        return true;
    }

    void round() {
        ++rounds_;
        clock_.start_round(frame_);
        for (const int fd : open_.fds()) {
            Connection& c = connections_[static_cast<std::size_t>(fd)];
            c.pending += policy_.burst;
            if (!c.in_flight) {
                queue_send(fd, c);
            }
        }
    }

    io_uring_sqe* next_sqe() {
        io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
        if (sqe == nullptr) {  // the ring is full: hand what it holds to the kernel first
            ++enters_;
            io_uring_submit(&ring_);
            sqe = io_uring_get_sqe(&ring_);
            if (sqe == nullptr) {
                fail("io_uring_get_sqe", false);
            }
        }
        return sqe;
    }

    // Queues what `c` has pending: from `offset` of the first frame to the end of the last.
    void queue_send(int fd, Connection& c) {
        io_uring_sqe* sqe = next_sqe();
        char* from = frame_.data() + c.offset;
        const auto rest = static_cast<unsigned>(frame_.size() - c.offset);
        if (c.pending == 1) {
            switch (op_) {
                case Op::Send:
                    io_uring_prep_send(sqe, fd, from, rest, MSG_NOSIGNAL);
                    break;
                case Op::WriteFixed:
                    io_uring_prep_write_fixed(sqe, fd, from, rest, 0, 0);
                    break;
                case Op::SendZeroCopy:
                    io_uring_prep_send_zc_fixed(sqe, fd, from, rest, MSG_NOSIGNAL, 0, 0);
                    break;
            }
        } else {
            const std::size_t count = std::min<std::size_t>(c.pending, IOV_MAX);
            c.iov.assign(count, iovec{frame_.data(), frame_.size()});
            c.iov.front() = iovec{from, rest};
            c.message = msghdr{};
            c.message.msg_iov = c.iov.data();
            c.message.msg_iovlen = count;
            io_uring_prep_sendmsg(sqe, fd, &c.message, MSG_NOSIGNAL);
        }
        io_uring_sqe_set_data64(sqe, static_cast<__u64>(static_cast<unsigned>(fd)));
        c.in_flight = true;
        ++sends_;
    }

    // One io_uring_enter: submits what is queued (a whole round, usually) and waits for at least
    // one completion, at most until the next paced round or 100 ms.
    void wait() {
        __kernel_timespec timeout{};
        timeout.tv_nsec = clock_.wait().count();
        io_uring_cqe* cqe = nullptr;
        ++enters_;
        const int waited = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &timeout, nullptr);
        if (waited < 0 && waited != -ETIME && waited != -EINTR) {
            errno = -waited;
            fail("io_uring_submit_and_wait_timeout");
        }
        unsigned head = 0;
        unsigned seen = 0;
        io_uring_for_each_cqe(&ring_, head, cqe) {
            ++seen;
            complete(cqe->user_data, cqe->res, cqe->flags);
        }
        io_uring_cq_advance(&ring_, seen);
        close_dead();
    }

    void complete(__u64 tag, int result, unsigned flags) {
        if (tag == kEpollTag) {
            drain_epoll();
            watch_epoll();
            return;
        }
        const auto fd = static_cast<int>(tag);
        Connection& c = connections_[static_cast<std::size_t>(fd)];
        if ((flags & IORING_CQE_F_NOTIF) != 0) {
            return;  // send-zc: the kernel let go of the registered buffer
        }
        c.in_flight = false;
        if (c.closing || !c.open) {
            dead_.push_back(fd);
            return;
        }
        if (result < 0) {
            if (result != -EINTR && result != -EAGAIN) {
                dead_.push_back(fd);
                return;
            }
            queue_send(fd, c);
            return;
        }
        const std::size_t done = c.offset + static_cast<std::size_t>(result);
        c.pending -= done / frame_.size();
        c.offset = done % frame_.size();
        if (c.offset != 0 || (c.pending > 0 && done < frame_.size() * c.pending)) {
            ++short_;
        }
        if (c.pending > 0) {
            queue_send(fd, c);
        }
    }

    void watch_epoll() {
        io_uring_sqe* sqe = next_sqe();
        io_uring_prep_poll_add(sqe, epoll_, POLLIN);
        io_uring_sqe_set_data64(sqe, kEpollTag);
    }

    void drain_epoll() {
        for (;;) {
            const int n = epoll_wait(epoll_, events_.data(), static_cast<int>(events_.size()), 0);
            for (int i = 0; i < n; ++i) {
                const int fd = events_[static_cast<std::size_t>(i)].data.fd;
                if (fd < 0) {
                    accept_all();
                } else if (connections_[static_cast<std::size_t>(fd)].open) {
                    readable(fd, connections_[static_cast<std::size_t>(fd)]);
                }
            }
            if (n < static_cast<int>(events_.size())) {
                return;
            }
        }
    }

    void accept_all() {
        for (;;) {
            // Blocking sockets: io_uring then waits for room itself instead of failing with
            // EAGAIN (reads below pass MSG_DONTWAIT).
            const int fd = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) {
                return;
            }
            if (static_cast<std::size_t>(fd) >= connections_.size()) {
                close(fd);
                continue;
            }
            const int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            connections_[static_cast<std::size_t>(fd)] = Connection{};
            connections_[static_cast<std::size_t>(fd)].open = true;
            epoll_event event{};
            event.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
            event.data.fd = fd;
            epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event);
        }
    }

    void readable(int fd, Connection& c) {
        for (;;) {
            const ssize_t n = recv(fd, buffer_.data(), buffer_.size(), MSG_DONTWAIT);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
                end(fd, c);
                return;
            }
            if (n < 0) {
                return;
            }
            if (!c.upgraded) {
                const auto read =
                        read_handshake(c.request, {buffer_.data(), static_cast<std::size_t>(n)});
                if (read == HandshakeRead::Complete) {
                    upgrade(fd, c);
                } else if (read == HandshakeRead::TooLong) {
                    end(fd, c);
                    return;
                }
            }
        }
    }

    void upgrade(int fd, Connection& c) {
        const std::string_view key = websocket_key(c.request);
        const std::string response = switching_protocols(key);
        const bool keyless = key.empty();
        std::string().swap(c.request);
        if (keyless || send(fd, response.data(), response.size(), MSG_DONTWAIT | MSG_NOSIGNAL) !=
                               static_cast<ssize_t>(response.size())) {
            end(fd, c);
            return;
        }
        c.upgraded = true;
        open_.add(fd);
    }

    // A connection whose send is in the ring is closed when that send completes: the kernel may
    // still be reading the fd.
    void end(int fd, Connection& c) {
        if (c.in_flight) {
            c.closing = true;
            shutdown(fd, SHUT_RDWR);  // the pending send fails at once
        } else {
            dead_.push_back(fd);
        }
    }

    void close_dead() {
        for (const int fd : dead_) {
            Connection& c = connections_[static_cast<std::size_t>(fd)];
            if (!c.open || c.in_flight) {
                continue;
            }
            open_.remove(fd);
            c = Connection{};
            close(fd);
        }
        dead_.clear();
    }

    RoundPolicy policy_;
    Op op_;
    std::string frame_;
    RoundClock clock_;
    int listener_ = -1;
    int epoll_ = -1;
    io_uring ring_{};
    std::vector<Connection> connections_;  // indexed by fd
    OpenSockets open_;                     // the upgraded connections
    std::vector<int> dead_;
    std::array<epoll_event, 1024> events_{};
    std::array<char, 16384> buffer_{};
    std::size_t rounds_ = 0;
    std::size_t gated_ = 0;
    std::size_t sends_ = 0;
    std::size_t short_ = 0;
    std::size_t enters_ = 0;
};

int run(int argc, char** argv) {
    const Options options(argc, argv, kUsage);
    install_signal_handlers();
    Server server(options, round_policy(options));
    server.run();
    return 0;
}

}  // namespace
}  // namespace herald::bench

int main(int argc, char** argv) {
    return herald::bench::run(argc, argv);
}
