// herald/net/listener.cpp
#include "herald/net/listener.h"

#include <chrono>
#include <future>
#include <stdexcept>
#include <string>
#include <utility>

#include <boost/asio/detail/socket_option.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <sys/socket.h>

namespace herald::net {
namespace {

using ReusePort = boost::asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

// After an accept error such as EMFILE, wait a little instead of spinning on it.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

// SO_REUSEPORT lets any socket of the same user join a listening port, so a second server started
// on a busy port would silently share its connections. A probe bound without the option first
// turns that into the "address in use" the operator expects. Only for an explicit port: port 0
// picks a free one.
void refuse_port_in_use(boost::asio::io_context& io,
                        const boost::asio::ip::tcp::endpoint& endpoint) {
    boost::asio::ip::tcp::acceptor probe(io);
    probe.open(endpoint.protocol());
    probe.set_option(boost::asio::socket_base::reuse_address(true));  // TIME_WAIT is no conflict
    boost::system::error_code error;
    probe.bind(endpoint, error);
    if (error) {
        throw std::runtime_error("cannot listen on " + endpoint.address().to_string() + ":" +
                                 std::to_string(endpoint.port()) + ": " + error.message());
    }
}

}  // namespace

struct Listener::Acceptor : std::enable_shared_from_this<Acceptor> {
    Acceptor(Worker& w, std::shared_ptr<const OnAccept> callback)
        : worker(w),
          acceptor(w.io_context()),
          retry(w.io_context()),
          on_accept(std::move(callback)) {}

    void accept_next() {
        acceptor.async_accept(
                worker.io_context(),
                [self = shared_from_this()](const boost::system::error_code& error, Socket socket) {
                    self->accepted(error, std::move(socket));
                });
    }

    void accepted(const boost::system::error_code& error, Socket socket) {
        if (closed) {
            return;
        }
        if (error) {
            retry.expires_after(kAcceptRetryDelay);
            retry.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
                if (!e && !self->closed) {
                    self->accept_next();
                }
            });
            return;
        }
        (*on_accept)(worker, std::move(socket));
        accept_next();
    }

    void close() {
        closed = true;
        boost::system::error_code ignored;
        acceptor.close(ignored);
        retry.cancel();
    }

    Worker& worker;
    boost::asio::ip::tcp::acceptor acceptor;
    boost::asio::steady_timer retry;
    std::shared_ptr<const OnAccept> on_accept;
    bool closed = false;
};

boost::asio::ip::address resolve_host(const std::string& host) {
    boost::system::error_code error;
    auto address = boost::asio::ip::make_address(host, error);
    if (!error) {
        return address;
    }
    boost::asio::io_context io;
    boost::asio::ip::tcp::resolver resolver(io);
    const auto results = resolver.resolve(host, "", error);
    if (error || results.empty()) {
        throw std::runtime_error("cannot resolve host '" + host + "': " + error.message());
    }
    return results.begin()->endpoint().address();
}

Listener::Listener(WorkerPool& pool, const ListenOptions& options, OnAccept on_accept)
    : address_(resolve_host(options.host)), port_(options.port) {
    if (port_ != 0) {
        boost::asio::io_context io;
        refuse_port_in_use(io, boost::asio::ip::tcp::endpoint(address_, port_));
    }
    auto callback = std::make_shared<const OnAccept>(std::move(on_accept));
    for (std::size_t i = 0; i < pool.size(); ++i) {
        auto item = std::make_shared<Acceptor>(pool.worker(i), callback);
        auto& acceptor = item->acceptor;
        const boost::asio::ip::tcp::endpoint endpoint(address_, port_);
        acceptor.open(endpoint.protocol());
        acceptor.set_option(boost::asio::socket_base::reuse_address(true));
        acceptor.set_option(ReusePort(true));
        acceptor.bind(endpoint);  // throws boost::system::system_error, a std::runtime_error
        acceptor.listen(options.backlog);
        port_ = acceptor.local_endpoint().port();  // port 0: the others join the first's port
        acceptors_.push_back(std::move(item));
    }
}

Listener::~Listener() {
    stop();
}

void Listener::start() {
    for (auto& item : acceptors_) {
        item->worker.post([item] { item->accept_next(); });
    }
}

void Listener::stop() {
    if (stopped_) {
        return;
    }
    stopped_ = true;
    for (auto& item : acceptors_) {
        // A worker that does not run cannot answer, but then nothing else touches the acceptor.
        if (item->worker.in_worker_thread() || !item->worker.running()) {
            item->close();
            continue;
        }
        std::promise<void> done;
        item->worker.post([item, &done] {
            item->close();
            done.set_value();
        });
        done.get_future().wait();
    }
}

}  // namespace herald::net
