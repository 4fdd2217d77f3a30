#include "herald/webhooks/dispatcher.h"

#include <algorithm>
#include <limits>
#include <utility>

#include <spdlog/spdlog.h>

#include "herald/webhooks/signer.h"

namespace herald::webhooks {

namespace {

// Past this many events waiting for the webhook thread, new ones are dropped (counted, logged):
// the thread drains its inbox in every turn, so only a stalled thread gets here.
constexpr std::size_t kMaxInbox = 1U << 20U;
constexpr auto kIdleWake = std::chrono::milliseconds(1000);

std::int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
}

double unit(std::uint64_t bits) {
    constexpr int kMantissaBits = 53;
    return static_cast<double>(bits >> (64 - kMantissaBits)) /
           static_cast<double>(std::uint64_t{1} << kMantissaBits);
}

}  // namespace

Dispatcher::Dispatcher(Settings settings, std::vector<AppHooks> apps)
    : settings_(std::move(settings)),
      apps_(std::move(apps)),
      routes_by_app_(apps_.size()),
      grace_(settings_.grace, settings_.cache_miss_interval),
      batcher_(0, settings_.batch_window, settings_.batch_max_events),
      spool_(settings_.spool_path, settings_.spool_max_bytes),
      dead_letters_(settings_.dead_letter_path) {
    for (std::size_t app = 0; app < apps_.size(); ++app) {
        for (const auto& target : apps_[app].targets) {
            routes_by_app_[app].push_back(routes_.size());
            routes_.push_back(Route{app, &target, lane_for(target.url)});
        }
    }
    batcher_ = Batcher(routes_.size(), settings_.batch_window, settings_.batch_max_events);
}

Dispatcher::~Dispatcher() {
    stop();
}

std::size_t Dispatcher::lane_for(const std::string& url) {
    const auto [it, inserted] = lane_by_url_.try_emplace(url, lanes_.size());
    if (inserted) {
        lanes_.push_back(std::make_unique<Lane>());
        lanes_.back()->url = url;
    }
    return it->second;
}

void Dispatcher::start() {
    auto replay = spool_.open();
    std::size_t events = 0;
    for (auto& request : replay.pending) {
        events += request.events;
        auto& lane = *lanes_[lane_for(request.url)];
        lane.queue.push_back(std::move(request));
    }
    spdlog::info("webhooks: {} target(s); spool {}{}", routes_.size(),
                 settings_.spool_path.empty() ? "off (memory only)" : settings_.spool_path,
                 replay.pending.empty() ? std::string{}
                                        : fmt::format("; replaying {} request(s) with {} event(s)",
                                                      replay.pending.size(), events));
    if (replay.malformed > 0) {
        spdlog::warn("webhooks: skipped {} unreadable line(s) of {} (an interrupted write)",
                     replay.malformed, settings_.spool_path);
    }
    running_ = true;
    thread_ = std::thread([this] { run(); });
}

void Dispatcher::post(std::size_t app, Event event) {
    if (app >= apps_.size() || routes_by_app_[app].empty()) {
        return;  // no target: nothing to do, not even a wakeup
    }
    bool wake = false;
    {
        const std::lock_guard lock(mutex_);
        if (inbox_.size() >= kMaxInbox) {
            if (counters_.dropped.fetch_add(1, std::memory_order_relaxed) % kMaxInbox == 0) {
                spdlog::error("webhooks: the webhook thread is behind by {} events; dropping",
                              kMaxInbox);
            }
            return;
        }
        wake = inbox_.empty();
        inbox_.push_back(AppEvent{app, std::move(event)});
    }
    if (wake) {
        transport_.wakeup();
    }
}

void Dispatcher::stop() {
    {
        const std::lock_guard lock(mutex_);
        if (stopping_) {
            return;
        }
        stopping_ = true;
    }
    if (running_) {
        transport_.wakeup();
        thread_.join();
        running_ = false;
    }
}

void Dispatcher::run() {
    std::vector<AppEvent> inbox;
    std::optional<Clock::time_point> deadline;
    for (;;) {
        bool stopping = false;
        {
            const std::lock_guard lock(mutex_);
            inbox.swap(inbox_);
            stopping = stopping_;
        }
        const auto now = Clock::now();
        if (stopping && !deadline) {
            deadline = now + settings_.shutdown_flush;
        }
        turn(stopping, inbox);
        if (stopping && (idle() || now >= *deadline)) {
            break;
        }
        auto wake = next_wake(now);
        if (deadline) {
            wake = std::min(wake, *deadline);
        }
        const auto wait = std::chrono::ceil<std::chrono::milliseconds>(
                std::max(Clock::duration::zero(), wake - now));
        for (const auto& completion : transport_.wait(wait)) {
            complete(completion, Clock::now());
        }
    }
    std::size_t left = 0;
    for (const auto& lane : lanes_) {
        for (const auto& request : lane->queue) {
            left += request.events;
        }
    }
    spdlog::info(
            "webhooks: stopped; {} event(s) sent, {} failed, {} dropped, {} retried "
            "attempt(s); {} event(s) left {}",
            counters_.sent.load(), counters_.failed.load(), counters_.dropped.load(),
            counters_.retried.load(), left,
            settings_.spool_path.empty() ? "undelivered (no spool)" : "in the spool");
}

void Dispatcher::turn(bool stopping, std::vector<AppEvent>& inbox) {
    const auto now = Clock::now();
    std::vector<AppEvent> out;
    for (auto& item : inbox) {
        grace_.push(std::move(item), now, out);
    }
    inbox.clear();
    if (stopping) {
        grace_.release_all(out);  // the node is going away: its channels are really left
    } else {
        grace_.release_due(now, out);
    }
    route(out, now);
    std::vector<Batch> batches;
    if (stopping) {
        batcher_.take_all(batches);
    } else {
        batcher_.take_due(now, batches);
    }
    for (auto& batch : batches) {
        enqueue(batch);
    }
    start_due(now);
}

void Dispatcher::route(std::vector<AppEvent>& events, Clock::time_point now) {
    std::vector<Batch> full;
    for (auto& item : events) {
        const auto& routes = routes_by_app_[item.app];
        for (const auto index : routes) {
            if (routes_[index].target->wants(item.event)) {
                batcher_.add(index, item.event, now, full);
            }
        }
    }
    for (auto& batch : full) {
        enqueue(batch);
    }
}

void Dispatcher::enqueue(Batch& batch) {
    const auto& route = routes_[batch.target];
    const auto& app = apps_[route.app];
    Outbound request;
    request.time_ms = wall_ms();
    request.events = batch.events.size();
    request.url = route.target->url;
    request.key = app.key;
    request.body = webhook_body(request.time_ms, batch.events);
    request.signature = webhook_signature(app.secret, request.body);
    auto& lane = *lanes_[route.lane];
    auto result = spool_.append(request);
    if (result == Spool::Append::NeedsCompaction) {
        std::vector<const Outbound*> pending;
        for (const auto& each : lanes_) {
            for (const auto& queued : each->queue) {
                pending.push_back(&queued);
            }
        }
        spool_.rewrite(pending);
        result = spool_.append(request);
    }
    if (result != Spool::Append::Ok) {
        counters_.dropped.fetch_add(request.events, std::memory_order_relaxed);
        spdlog::error(
                "webhooks: dropped {} event(s) for {}: {} bytes are waiting already and the "
                "spool holds at most {} (spool_max_bytes)",
                request.events, request.url, spool_.pending_bytes(), settings_.spool_max_bytes);
        return;
    }
    lane.queue.push_back(std::move(request));
}

bool Dispatcher::expired(const Outbound& request, std::int64_t now_ms) const {
    return now_ms - request.time_ms >= settings_.retry_window.count();
}

void Dispatcher::retire(Lane& lane, std::string_view why) {
    auto& head = lane.queue.front();
    dead_letters_.write(head, why);
    counters_.failed.fetch_add(head.events, std::memory_order_relaxed);
    spool_.done(head.id);
    lane.queue.pop_front();
}

void Dispatcher::start_due(Clock::time_point now) {
    const auto now_ms = wall_ms();
    for (std::size_t index = 0; index < lanes_.size(); ++index) {
        auto& lane = *lanes_[index];
        while (!lane.in_flight && !lane.queue.empty()) {
            auto& head = lane.queue.front();
            if (expired(head, now_ms)) {
                retire(lane, lane.last_error.empty() ? "never attempted" : lane.last_error);
                continue;
            }
            if (head.next_attempt > now) {
                break;
            }
            transport_.start(head, settings_.request_timeout);
            counters_.requests.fetch_add(1, std::memory_order_relaxed);
            lane.in_flight = true;
            lane_in_flight_[head.id] = index;
        }
    }
}

void Dispatcher::complete(const Completion& completion, Clock::time_point now) {
    const auto found = lane_in_flight_.find(completion.id);
    if (found == lane_in_flight_.end()) {
        return;
    }
    auto& lane = *lanes_[found->second];
    lane_in_flight_.erase(found);
    lane.in_flight = false;
    auto& head = lane.queue.front();
    if (completion.ok()) {
        counters_.sent.fetch_add(head.events, std::memory_order_relaxed);
        spool_.done(head.id);
        lane.queue.pop_front();
        if (lane.failing) {
            spdlog::info("webhooks: {} answers again", lane.url);
            lane.failing = false;
        }
        lane.last_error.clear();
        start_due(now);
        return;
    }
    ++head.failures;
    lane.last_error = completion.error;
    counters_.retried.fetch_add(1, std::memory_order_relaxed);
    const auto wait = backoff(head.failures, settings_.retry_initial, settings_.retry_max,
                              unit(random_.next()));
    // Never wait past the end of the retry window: the request is then dead-lettered on time.
    const auto left = std::chrono::milliseconds(
            std::max<std::int64_t>(0, head.time_ms + settings_.retry_window.count() - wall_ms()));
    head.next_attempt = now + std::min<Clock::duration>(wait, left);
    if (!lane.failing) {
        spdlog::warn("webhooks: {} failed ({}); retrying with backoff for up to {} ms", lane.url,
                     completion.error, settings_.retry_window.count());
        lane.failing = true;
    }
}

Clock::time_point Dispatcher::next_wake(Clock::time_point now) const {
    auto wake = now + kIdleWake;
    if (const auto due = grace_.next_due()) {
        wake = std::min(wake, *due);
    }
    if (const auto due = batcher_.next_due()) {
        wake = std::min(wake, *due);
    }
    for (const auto& lane : lanes_) {
        if (!lane->in_flight && !lane->queue.empty()) {
            wake = std::min(wake, lane->queue.front().next_attempt);
        }
    }
    return wake;
}

bool Dispatcher::idle() const {
    return std::all_of(lanes_.begin(), lanes_.end(),
                       [](const auto& lane) { return lane->queue.empty(); });
}

}  // namespace herald::webhooks
