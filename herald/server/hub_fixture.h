// herald/server/hub_fixture.h
//
// The GoogleTest fixture of the connection and hub tests: one app behind the real hub and
// tables, two workers whose posted deliveries run on the test thread only when run_posted()
// says so, and connections that write to a recording Wire; a Recorder of what the hub reports
// for webhooks. Every exchange is deterministic.
// Owner: one test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "herald/pusher/auth.h"
#include "herald/pusher/message.h"
#include "herald/server/connection.h"

namespace herald::server::hub_testing {

// What a connection wrote: each message's text, and the close code (0: open).
struct Wire final : Transport {
    void send(std::string_view text) override { sent.emplace_back(text); }

    void send(const ws::Broadcast& message, Flush flush) override {
        sent.emplace_back(message.payload());
        broadcast_flushes.push_back(flush);
    }

    void close(std::uint16_t code, std::string_view /*reason*/) override { close_code = code; }

    std::vector<std::string> sent;
    std::vector<Flush> broadcast_flushes;  // how each broadcast was to leave
    std::uint16_t close_code = 0;
};

// What the hub reports for webhooks (protocol.md §9.3), in order.
struct Recorder final : ChannelEvents {
    void channel_occupied(std::size_t, std::string_view channel) override {
        seen.push_back("occupied " + std::string(channel));
    }

    void channel_vacated(std::size_t, std::string_view channel) override {
        seen.push_back("vacated " + std::string(channel));
    }

    void member_added(std::size_t, std::string_view channel, std::string_view user) override {
        seen.push_back("added " + std::string(channel) + " " + std::string(user));
    }

    void member_removed(std::size_t, std::string_view channel, std::string_view user) override {
        seen.push_back("removed " + std::string(channel) + " " + std::string(user));
    }

    void client_event(std::size_t, std::string_view channel, std::string_view event,
                      std::string_view data, std::string_view socket_id,
                      std::string_view user) override {
        seen.push_back("client " + std::string(channel) + " " + std::string(event) + " " +
                       std::string(data) + " " + (socket_id.empty() ? "?" : "sid") + " " +
                       std::string(user));
    }

    void cache_miss(std::size_t, std::string_view channel) override {
        seen.push_back("miss " + std::string(channel));
    }

    void subscription_count(std::size_t, std::string_view channel, std::uint64_t n) override {
        seen.push_back("count " + std::string(channel) + " " + std::to_string(n));
    }

    std::vector<std::string> seen;
};

class HubFixture : public ::testing::Test {
protected:
    explicit HubFixture(App app = default_app())
        : apps_({std::move(app)}), pool_(2), hub_(apps_, pool_), context_(config_, apps_, hub_, 2) {
        for (std::uint32_t i = 0; i < 2; ++i) {
            context_.add_worker(20 * 1024, pusher::socket_id_prefix(7, i));
        }
    }

    ~HubFixture() override {
        for (auto& c : connections_) {
            c->closed();
        }
        run_posted();
    }

    HubFixture(const HubFixture&) = delete;
    HubFixture& operator=(const HubFixture&) = delete;

    // The development app with room for two presence members and two client events a second.
    static App default_app() {
        auto app = development_app();
        app.limits.max_presence_members = 2;
        app.limits.max_client_events_per_second = 2;
        return app;
    }

    const App& app() const { return *app_ptr(); }

    AppPtr app_ptr() const { return apps_.apps().front(); }

    // A connected client on worker `worker`; returns its index.
    std::size_t connect(std::size_t worker = 0) {
        auto wire = std::make_unique<Wire>();
        wires_.push_back(wire.get());
        connections_.push_back(std::make_shared<Connection>(context_, app_ptr(),
                                                            pool_.worker(worker), std::move(wire)));
        connections_.back()->open();
        return connections_.size() - 1;
    }

    void receive(std::size_t c, const std::string& text) {
        connections_[c]->receive(web::Message{false, text});
        run_posted();
    }

    void subscribe(std::size_t c, const std::string& channel,
                   std::optional<std::string> data = std::nullopt) {
        const auto auth = pusher::channel_auth(app().key, app().secret,
                                               connections_[c]->socket_id(), channel, data);
        receive(c,
                pusher::serialize(pusher::ClientMessage{pusher::Subscribe{channel, auth, data}}));
    }

    void run_posted() {
        for (std::size_t i = 0; i < pool_.size(); ++i) {
            pool_.worker(i).io_context().poll();
            pool_.worker(i).io_context().restart();
        }
    }

    // Messages sent to connection `c` since the last call.
    std::vector<std::string> take(std::size_t c) {
        auto out = std::move(wires_[c]->sent);
        wires_[c]->sent.clear();
        return out;
    }

    static bool has(const std::vector<std::string>& messages, std::string_view part) {
        for (const auto& m : messages) {
            if (m.find(part) != std::string::npos) {
                return true;
            }
        }
        return false;
    }

    ServerConfig config_;
    AppRegistry apps_;
    net::WorkerPool pool_;
    Hub hub_;
    ServerContext context_;
    std::vector<std::shared_ptr<Connection>> connections_;
    std::vector<Wire*> wires_;
};

}  // namespace herald::server::hub_testing
