// herald/server/console_stream.h
//
// One dashboard console over Server-Sent Events (GET /api/admin/stream?app=ID): the events of the
// app's DebugFeed as `console` events, how many the feed skipped as `skipped`, and once a second
// the node's latest chart sample as `stats`. A browser too slow to read is dropped by the event
// stream's queue cap, like any slow consumer; its page reconnects.
// Owner: the stream's worker (every method there, except the feed's wake-up, which posts to it);
// kept alive by the stream's close handler, so it never outlives the stream.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "herald/net/worker.h"
#include "herald/server/debug_feed.h"
#include "herald/server/stats_history.h"
#include "herald/web/event_stream.h"

namespace herald::server {

class ConsoleStream final : public net::Tickable,
                            public std::enable_shared_from_this<ConsoleStream> {
public:
    // `app`: the slot watched (nothing: charts and node events only). `feed` and `stats`
    // outlive the stream's worker.
    ConsoleStream(web::EventStream& stream, DebugFeed& feed, const StatsHistory& stats,
                  std::optional<std::size_t> app);
    ~ConsoleStream() override;
    ConsoleStream(const ConsoleStream&) = delete;
    ConsoleStream& operator=(const ConsoleStream&) = delete;

    // Starts watching; on the stream's worker, right after the stream opened.
    static void open(const web::EventStreamPtr& stream, DebugFeed& feed, const StatsHistory& stats,
                     std::optional<std::size_t> app);

    void on_tick(net::Clock::time_point now) override;

private:
    void start();
    void drain();
    void stop();

    web::EventStream& stream_;  // owns this console through its close handler
    DebugFeed& feed_;
    const StatsHistory& stats_;
    std::optional<std::size_t> app_;
    std::shared_ptr<DebugFeed::Watcher> watcher_;
    std::int64_t last_stats_ = 0;  // the time of the last sample sent
    bool ticking_ = false;
};

}  // namespace herald::server
