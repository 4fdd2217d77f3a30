#include "herald/webhooks/pipeline.h"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

#include "herald/webhooks/signer.h"

namespace herald::webhooks {

namespace {

// The longest wait without a reason: bounds the effect of a missed wakeup.
constexpr auto kIdleWake = std::chrono::milliseconds(1000);

}  // namespace

Pipeline::Pipeline(Settings settings, std::vector<AppHooks> apps, Transport& transport,
                   Clocks clocks)
    : settings_(std::move(settings)),
      apps_(std::move(apps)),
      transport_(transport),
      clocks_(std::move(clocks)),
      routes_by_app_(apps_.size()),
      grace_(settings_.grace, settings_.cache_miss_interval),
      batcher_(0, settings_.batch_window, settings_.batch_max_events),
      spool_(settings_.spool_path, settings_.spool_max_bytes),
      journal_(occupancy_journal_path(settings_)),
      dead_letters_(settings_.dead_letter_path) {
    build_routes();
}

void Pipeline::build_routes() {
    routes_.clear();
    routes_by_app_.assign(apps_.size(), {});
    for (std::size_t app = 0; app < apps_.size(); ++app) {
        if (!apps_[app].targets.empty()) {
            counters_.apps.add_app(apps_[app].id);
        }
        for (const auto& target : apps_[app].targets) {
            routes_by_app_[app].push_back(routes_.size());
            routes_.push_back(Route{app, &target, lane_for(target.url)});
        }
    }
    batcher_ = Batcher(routes_.size(), settings_.batch_window, settings_.batch_max_events);
}

void Pipeline::replace_apps(std::vector<AppHooks> apps) {
    std::vector<Batch> open;
    batcher_.take_all(open);
    for (auto& batch : open) {
        enqueue(batch);
    }
    apps.resize(apps_.size());
    apps_ = std::move(apps);
    build_routes();
}

std::size_t Pipeline::lane_for(const std::string& url) {
    const auto [it, inserted] = lane_by_url_.try_emplace(url, lanes_.size());
    if (inserted) {
        lanes_.push_back(std::make_unique<Lane>());
        lanes_.back()->url = url;
    }
    return it->second;
}

void Pipeline::open() {
    auto replay = spool_.open();
    std::size_t events = 0;
    for (auto& request : replay.pending) {
        events += request.events;
        for (const auto& app : apps_) {
            if (app.key == request.key) {
                request.app_id = app.id;
            }
        }
        if (request.app_id.empty()) {
            request.app_id = "key:" + request.key;  // the app is gone; its key tells which it was
        }
        push(*lanes_[lane_for(request.url)], std::move(request));
    }
    measure_spool();
    spdlog::info("webhooks: {} target(s); spool {}; occupancy journal {}{}", routes_.size(),
                 settings_.spool_path.empty() ? "off (memory only)" : settings_.spool_path,
                 journal_.enabled() ? journal_.path() : "off",
                 replay.pending.empty() ? std::string{}
                                        : fmt::format("; replaying {} request(s) with {} event(s)",
                                                      replay.pending.size(), events));
    if (replay.malformed > 0) {
        spdlog::warn("webhooks: skipped {} unreadable line(s) of {} (an interrupted write)",
                     replay.malformed, settings_.spool_path);
    }
    auto stale = journal_.open();
    recover(stale);
}

std::optional<std::size_t> Pipeline::app_with_id(const std::string& id) const {
    for (std::size_t app = 0; app < apps_.size(); ++app) {
        if (apps_[app].id == id) {
            return app;
        }
    }
    return std::nullopt;
}

void Pipeline::recover(OccupancyJournal::Replay& replay) {
    if (replay.malformed > 0) {
        spdlog::warn("webhooks: skipped {} unreadable line(s) of {} (an interrupted write)",
                     replay.malformed, journal_.path());
    }
    std::size_t members = 0;
    for (auto& entry : replay.live) {
        const auto app = app_with_id(entry.app_id);
        if (!app || !routed(*app)) {
            journal_.drop(entry);  // the app is gone or has no target left: nobody to tell
            continue;
        }
        members += entry.user_id.empty() ? 0 : 1;
        recovered_.push_back(AppEvent{*app, entry.user_id.empty()
                                                    ? channel_vacated(std::move(entry.channel))
                                                    : member_removed(std::move(entry.channel),
                                                                     std::move(entry.user_id))});
    }
    if (!recovered_.empty()) {  // the process did not stop cleanly
        spdlog::warn(
                "webhooks: {} channel(s) and {} member(s) were announced before an unclean stop "
                "({}); retracting them after the grace delay unless they are back by then",
                recovered_.size() - members, members, journal_.path());
    }
}

bool Pipeline::routed(std::size_t app) const noexcept {
    return app < routes_by_app_.size() && !routes_by_app_[app].empty();
}

bool Pipeline::step(std::vector<AppEvent>& inbox, bool stopping) {
    const auto now = clocks_.now();
    if (stopping && !deadline_) {
        deadline_ = now + settings_.shutdown_flush;
    }
    turn(stopping, inbox, now);
    if (stopping && (idle() || now >= *deadline_)) {
        return false;
    }
    auto wake = next_wake(now);
    if (deadline_) {
        wake = std::min(wake, *deadline_);
    }
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(
            std::max(Clock::duration::zero(), wake - now));
    for (const auto& completion : transport_.wait(wait)) {
        complete(completion, clocks_.now());
    }
    return true;
}

std::size_t Pipeline::queued_events() const {
    std::size_t events = 0;
    for (const auto& lane : lanes_) {
        for (const auto& request : lane->queue) {
            events += request.events;
        }
    }
    return events;
}

void Pipeline::log_stopped() const {
    spdlog::info(
            "webhooks: stopped; {} event(s) sent, {} failed, {} dropped, {} retried "
            "attempt(s); {} event(s) left {}",
            counters_.sent.load(), counters_.failed.load(), counters_.dropped.load(),
            counters_.retried.load(), queued_events(),
            settings_.spool_path.empty() ? "undelivered (no spool)" : "in the spool");
}

void Pipeline::turn(bool stopping, std::vector<AppEvent>& inbox, Clock::time_point now) {
    std::vector<AppEvent> out;
    // The journal's removals first, so that a reoccupation already in the inbox cancels them.
    for (auto& item : recovered_) {
        grace_.push(std::move(item), now, out);
    }
    recovered_.clear();
    for (auto& item : inbox) {
        grace_.push(std::move(item), now, out);
    }
    inbox.clear();
    if (stopping) {
        grace_.release_all(out);  // the node is going away: its channels are really left
    } else {
        grace_.release_due(now, out);
    }
    journal(out, now);
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
    // Every batch open when a removal was routed has closed by now + batch_window (by now, when
    // stopping): from then on its request is in the spool and the journal may forget the entry.
    if (stopping) {
        journal_.forget_all_removed();
    } else {
        journal_.forget_spooled(now);
    }
    start_due(now);
}

bool Pipeline::retractable(const AppEvent& addition) const {
    auto removal = addition.event;
    removal.type = removal.type == EventType::ChannelOccupied ? EventType::ChannelVacated
                                                              : EventType::MemberRemoved;
    return std::any_of(routes_by_app_[addition.app].begin(), routes_by_app_[addition.app].end(),
                       [&](std::size_t index) { return routes_[index].target->wants(removal); });
}

void Pipeline::journal(const std::vector<AppEvent>& announced, Clock::time_point now) {
    if (!journal_.enabled()) {
        return;
    }
    for (const auto& item : announced) {
        const auto type = item.event.type;
        const bool addition = type == EventType::ChannelOccupied || type == EventType::MemberAdded;
        const bool removal = type == EventType::ChannelVacated || type == EventType::MemberRemoved;
        // Only what a target would hear retracted is worth remembering.
        if (!(addition && retractable(item)) && !removal) {
            continue;
        }
        const bool member = type == EventType::MemberAdded || type == EventType::MemberRemoved;
        const OccupancyEntry entry{apps_[item.app].id, item.event.channel,
                                   member ? item.event.user_id : std::string{}};
        if (addition) {
            journal_.added(entry);
        } else {
            journal_.removed(entry, now + settings_.batch_window);
        }
    }
}

void Pipeline::route(std::vector<AppEvent>& events, Clock::time_point now) {
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

void Pipeline::enqueue(Batch& batch) {
    const auto& route = routes_[batch.target];
    const auto& app = apps_[route.app];
    Outbound request;
    request.time_ms = clocks_.wall_ms();
    request.events = batch.events.size();
    request.url = route.target->url;
    request.key = app.key;
    request.app_id = app.id;
    request.headers = route.target->headers;
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
        util::log_throttled(drop_log_, [&](const std::string& note) {
            spdlog::error(
                    "webhooks: dropped {} event(s) for {}: {} bytes are waiting already and the "
                    "spool holds at most {} (spool_max_bytes){}",
                    request.events, request.url, spool_.pending_bytes(), settings_.spool_max_bytes,
                    note);
        });
        return;
    }
    push(lane, std::move(request));
    measure_spool();
}

void Pipeline::push(Lane& lane, Outbound request) {
    counters_.queued.fetch_add(request.events, std::memory_order_relaxed);
    lane.queue.push_back(std::move(request));
}

void Pipeline::pop(Lane& lane) {
    counters_.queued.fetch_sub(lane.queue.front().events, std::memory_order_relaxed);
    spool_.done(lane.queue.front().id);
    lane.queue.pop_front();
    measure_spool();
}

void Pipeline::measure_spool() {
    counters_.spool_bytes.store(spool_.pending_bytes(), std::memory_order_relaxed);
}

bool Pipeline::expired(const Outbound& request, std::int64_t now_ms) const {
    return now_ms - request.time_ms >= settings_.retry_window.count();
}

void Pipeline::retire(Lane& lane, std::string_view why) {
    auto& head = lane.queue.front();
    dead_letters_.write(head, why);
    report(Delivery::Result::DeadLettered, head, why);
    counters_.failed.fetch_add(head.events, std::memory_order_relaxed);
    counters_.apps.count(head.app_id, AppCounters::Result::DeadLetter);
    pop(lane);
}

void Pipeline::start_due(Clock::time_point now) {
    const auto now_ms = clocks_.wall_ms();
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

void Pipeline::complete(const Completion& completion, Clock::time_point now) {
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
        counters_.apps.count(head.app_id, AppCounters::Result::Ok);
        report(Delivery::Result::Sent, head);
        pop(lane);
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
    counters_.apps.count(head.app_id, AppCounters::Result::Retry);
    report(Delivery::Result::Failed, head, completion.error);
    const auto wait =
            backoff(head.failures, settings_.retry_initial, settings_.retry_max, clocks_.jitter());
    // Never wait past the end of the retry window: the request is then dead-lettered on time.
    const auto left = std::chrono::milliseconds(std::max<std::int64_t>(
            0, head.time_ms + settings_.retry_window.count() - clocks_.wall_ms()));
    head.next_attempt = now + std::min<Clock::duration>(wait, left);
    if (!lane.failing) {
        spdlog::warn("webhooks: {} failed ({}); retrying with backoff for up to {} ms", lane.url,
                     completion.error, settings_.retry_window.count());
        lane.failing = true;
    }
}

Clock::time_point Pipeline::next_wake(Clock::time_point now) const {
    auto wake = now + kIdleWake;
    if (const auto due = grace_.next_due()) {
        wake = std::min(wake, *due);
    }
    if (const auto due = batcher_.next_due()) {
        wake = std::min(wake, *due);
    }
    if (const auto due = journal_.next_due()) {
        wake = std::min(wake, *due);
    }
    for (const auto& lane : lanes_) {
        if (!lane->in_flight && !lane->queue.empty()) {
            wake = std::min(wake, lane->queue.front().next_attempt);
        }
    }
    return wake;
}

bool Pipeline::idle() const {
    return std::all_of(lanes_.begin(), lanes_.end(),
                       [](const auto& lane) { return lane->queue.empty(); });
}

}  // namespace herald::webhooks
