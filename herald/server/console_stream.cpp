#include "herald/server/console_stream.h"

#include <string>
#include <utility>

#include "herald/util/json_writer.h"

namespace herald::server {

ConsoleStream::ConsoleStream(web::EventStream& stream, DebugFeed& feed, const StatsHistory& stats,
                             std::optional<std::size_t> app)
    : stream_(stream), feed_(feed), stats_(stats), app_(app) {}

ConsoleStream::~ConsoleStream() = default;

void ConsoleStream::open(const web::EventStreamPtr& stream, DebugFeed& feed,
                         const StatsHistory& stats, std::optional<std::size_t> app) {
    auto console = std::make_shared<ConsoleStream>(*stream, feed, stats, app);
    // The close handler holds the console; the stream holds the handler until it ends.
    stream->on_close([console] { console->stop(); });
    console->start();
}

void ConsoleStream::start() {
    auto& worker = stream_.worker();
    std::weak_ptr<ConsoleStream> weak = shared_from_this();
    watcher_ = feed_.watch(app_, [&worker, weak] {
        worker.post([weak] {
            if (const auto self = weak.lock()) {
                self->drain();
            }
        });
    });
    worker.add_tickable(*this);
    ticking_ = true;
    stream_.comment("herald console");  // the page knows at once that it is connected
    if (const auto sample = stats_.latest()) {
        last_stats_ = sample->time;
        stream_.send(stats_event_json(*sample), "stats");
    }
}

void ConsoleStream::drain() {
    if (!watcher_ || !stream_.is_open()) {
        return;
    }
    auto batch = watcher_->take();
    for (const auto& event : batch.events) {
        if (!stream_.send(event, "console")) {
            return;  // closed, or dropped as too slow: stop() follows
        }
    }
    if (batch.skipped > 0) {
        util::JsonWriter json;
        json.begin_object().key("count").number(batch.skipped).end_object();
        stream_.send(json.str(), "skipped");
    }
}

void ConsoleStream::on_tick(net::Clock::time_point /*now*/) {
    if (!stream_.is_open()) {
        return;
    }
    const auto sample = stats_.latest();
    if (sample && sample->time != last_stats_) {
        last_stats_ = sample->time;
        stream_.send(stats_event_json(*sample), "stats");
    }
}

void ConsoleStream::stop() {
    if (watcher_) {
        feed_.unwatch(watcher_);
        watcher_.reset();
    }
    if (ticking_) {
        stream_.worker().remove_tickable(*this);
        ticking_ = false;
    }
}

}  // namespace herald::server
