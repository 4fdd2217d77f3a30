// herald/net/session_test.cpp
#include "herald/net/session.h"

#include <atomic>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "herald/net/listener.h"
#include "herald/net/tcp_stream.h"
#include "herald/net/testing.h"
#include "herald/util/shared_bytes.h"

namespace herald::net {
namespace {

using boost::asio::ip::tcp;
using testing::eventually;

struct Counters {
    std::atomic<int> writes{0};        // gathered writes, synchronous or not
    std::atomic<int> async_writes{0};  // of which waited for writability
    std::atomic<int> closed{0};
};

// Forwards to a real stream and counts the writes that reach it.
class CountingStream final : public Stream {
public:
    CountingStream(StreamPtr inner, Counters& counters) : inner_(std::move(inner)), c_(counters) {}

    void async_handshake(Done done) override { inner_->async_handshake(std::move(done)); }

    void async_read(std::shared_ptr<StreamEvents> t) override { inner_->async_read(std::move(t)); }

    void async_write(std::span<const std::string_view> parts,
                     std::shared_ptr<StreamEvents> target) override {
        ++c_.writes;
        ++c_.async_writes;
        inner_->async_write(parts, std::move(target));
    }

    std::optional<std::size_t> write_now(std::span<const std::string_view> parts,
                                         std::error_code& error) override {
        auto written = inner_->write_now(parts, error);
        if (written && *written > 0) {
            ++c_.writes;
        }
        return written;
    }

    void close() noexcept override { inner_->close(); }

    std::string remote_address() const override { return inner_->remote_address(); }

    bool is_tls() const noexcept override { return false; }

    Worker& worker() const noexcept override { return inner_->worker(); }

private:
    StreamPtr inner_;
    Counters& c_;
};

// More than the kernel's socket buffers hold on loopback, with a pattern that shows misordering.
constexpr std::size_t kBigReply = 16 << 20;

std::string big_reply() {
    std::string text(kBigReply, '\0');
    for (std::size_t i = 0; i < text.size(); ++i) {
        text[i] = static_cast<char>('a' + (i * 7 + i / 4093) % 26);
    }
    return text;
}

// Echoes each read as three separate pieces, flushed at the end of the turn.
// "bye" closes after flushing; "boom" throws; "big" answers kBigReply bytes.
class EchoSession final : public Session {
public:
    EchoSession(Worker& worker, StreamPtr stream, Counters& counters)
        : Session(worker, std::move(stream)), c_(counters) {}

    void start() { start_reading(); }

private:
    util::ByteQueue& outgoing() override { return out_; }

    void on_bytes(std::span<char> data) override {
        const std::string text(data.data(), data.size());
        if (text == "boom") {
            throw std::runtime_error("boom");
        }
        if (text == "big") {
            out_.push(util::make_shared_bytes(big_reply()));
            request_flush();
            return;
        }
        for (const char* piece : {"<", text.c_str(), ">"}) {
            out_.push(util::make_shared_bytes(piece));
            request_flush();
        }
        if (text == "bye") {
            close_after_flush();
        }
    }

    void on_closed(const std::error_code&) override { ++c_.closed; }

    util::ByteQueue out_;
    Counters& c_;
};

class SessionTest : public ::testing::Test {
protected:
    void SetUp() override {
        pool_.start();
        listener_ = std::make_unique<Listener>(pool_, ListenOptions{}, [this](Worker& w, Socket s) {
            auto stream = std::make_shared<CountingStream>(
                    std::make_shared<TcpStream>(w, std::move(s)), counters_);
            std::make_shared<EchoSession>(w, std::move(stream), counters_)->start();
        });
        listener_->start();
    }

    tcp::socket connect() {
        tcp::socket socket(io_);
        socket.connect(tcp::endpoint(listener_->address(), listener_->port()));
        return socket;
    }

    static std::string exchange(tcp::socket& socket, const std::string& text, std::size_t reply) {
        boost::asio::write(socket, boost::asio::buffer(text));
        std::string out(reply, '\0');
        boost::asio::read(socket, boost::asio::buffer(out));
        return out;
    }

    Counters counters_;
    WorkerPool pool_{1};
    std::unique_ptr<Listener> listener_;
    boost::asio::io_context io_;
};

TEST_F(SessionTest, PiecesQueuedInOneTurnLeaveInOneGatheredWrite) {
    auto socket = connect();
    // The reply can arrive before the stream counted its write: wait for the count.
    EXPECT_EQ(exchange(socket, "hello", 7), "<hello>");
    EXPECT_TRUE(eventually([&] { return counters_.writes == 1; })) << counters_.writes;
    EXPECT_EQ(exchange(socket, "again", 7), "<again>");
    EXPECT_TRUE(eventually([&] { return counters_.writes == 2; })) << counters_.writes;
}

TEST_F(SessionTest, AReplyLargerThanTheSocketBufferArrivesWholeToASlowReader) {
    auto socket = connect();
    boost::asio::write(socket, boost::asio::buffer(std::string("big")));
    // Not reading yet: the kernel takes a part at once, the rest waits for writability.
    EXPECT_TRUE(eventually([&] { return counters_.async_writes >= 1; }));
    std::string received(kBigReply, '\0');
    boost::asio::read(socket, boost::asio::buffer(received));
    EXPECT_TRUE(received == big_reply()) << "the reply arrived altered or out of order";
    EXPECT_EQ(exchange(socket, "after", 7), "<after>");
}

TEST_F(SessionTest, CloseAfterFlushDeliversTheQueueThenEndsTheStream) {
    auto socket = connect();
    EXPECT_EQ(exchange(socket, "bye", 5), "<bye>");
    char byte = 0;
    boost::system::error_code error;
    socket.read_some(boost::asio::buffer(&byte, 1), error);
    EXPECT_EQ(error, boost::asio::error::eof);
    EXPECT_TRUE(eventually([&] { return counters_.closed == 1; }));
}

TEST_F(SessionTest, PeerDisconnectCallsOnClosedExactlyOnce) {
    {
        auto socket = connect();
        EXPECT_EQ(exchange(socket, "x", 3), "<x>");
    }
    EXPECT_TRUE(eventually([&] { return counters_.closed == 1; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(counters_.closed, 1);
}

TEST_F(SessionTest, AThrowingHandlerClosesOnlyItsOwnConnection) {
    auto good = connect();
    auto bad = connect();
    boost::asio::write(bad, boost::asio::buffer(std::string("boom")));
    char byte = 0;
    boost::system::error_code error;
    bad.read_some(boost::asio::buffer(&byte, 1), error);
    EXPECT_TRUE(error);
    EXPECT_EQ(exchange(good, "still", 7), "<still>");
}

TEST_F(SessionTest, StoppingTheWorkerClosesOpenSessions) {
    auto socket = connect();
    EXPECT_EQ(exchange(socket, "x", 3), "<x>");
    listener_->stop();
    pool_.stop();
    EXPECT_EQ(counters_.closed, 1);
}

// Records what a stream hands over; its fields are read once the worker has answered.
class RecordingTarget final : public StreamEvents {
public:
    void on_read(const std::error_code& error, std::span<char> data) override {
        if (!error) {
            text.append(data.data(), data.size());
        }
        reads.fetch_add(1);  // after `text`: who sees the count sees the text
    }

    void on_write(const std::error_code& /*error*/, std::size_t /*bytes*/) override {}

    std::atomic<int> reads{0};
    std::string text;  // written before `reads` counts the read
};

class ReadNowOrWait : public ::testing::Test {
protected:
    void SetUp() override { pool_.start(); }

    void TearDown() override { pool_.stop(); }

    // A connection accepted on the worker's io_context; `early` reaches the server's socket
    // before this returns (loopback delivers during the write).
    Socket accept_with(std::string_view early) {
        client_.connect(acceptor_.local_endpoint());
        if (!early.empty()) {
            boost::asio::write(client_, boost::asio::buffer(early.data(), early.size()));
        }
        return acceptor_.accept(pool_.worker(0).io_context());
    }

    // Runs read_now_or_wait on the worker; returns the reads the target had when it returned.
    int start(Socket socket, const std::shared_ptr<RecordingTarget>& target) {
        std::promise<int> reads;
        Worker& worker = pool_.worker(0);
        worker.post([&, socket = std::make_shared<Socket>(std::move(socket))]() mutable {
            stream_ = std::make_shared<TcpStream>(worker, std::move(*socket));
            stream_->read_now_or_wait(target);
            reads.set_value(target->reads.load());
        });
        return reads.get_future().get();
    }

    WorkerPool pool_{1};
    boost::asio::io_context io_;
    tcp::acceptor acceptor_{io_, tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0)};
    tcp::socket client_{io_};
    std::shared_ptr<TcpStream> stream_;  // worker thread only
};

TEST_F(ReadNowOrWait, HandsOverBytesAlreadyThereBeforeItReturns) {
    auto target = std::make_shared<RecordingTarget>();
    EXPECT_EQ(start(accept_with("GET / HTTP/1.1\r\n\r\n"), target), 1);
    EXPECT_EQ(target->text, "GET / HTTP/1.1\r\n\r\n");
}

TEST_F(ReadNowOrWait, WaitsWhenNothingIsThereYet) {
    auto target = std::make_shared<RecordingTarget>();
    EXPECT_EQ(start(accept_with(""), target), 0);
    boost::asio::write(client_, boost::asio::buffer(std::string_view("late")));
    EXPECT_TRUE(eventually([&] { return target->reads.load() == 1; }));
    EXPECT_EQ(target->text, "late");
}

}  // namespace
}  // namespace herald::net
