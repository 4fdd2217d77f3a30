#include "herald/appstore/app_cache.h"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

namespace herald::appstore {

namespace {

using server::AppAnswer;
using server::AppLookup;
using server::StoreLookup;

constexpr std::size_t kMaxValueBytes = 255;  // soketi's varchar(255)

std::string unknown_name(AppLookup by, std::string_view value) {
    return (by == AppLookup::ByKey ? "k:" : "i:") + std::string(value);
}

}  // namespace

AppCache::AppCache(BackendFactory backends, CacheOptions options,
                   std::function<Clock::time_point()> now)
    : backends_(std::move(backends)), options_(std::move(options)), now_(std::move(now)) {
    const auto threads = std::max<std::size_t>(1, options_.threads);
    for (std::size_t i = 0; i < threads; ++i) {
        threads_.emplace_back([this, i] { run(i); });
    }
}

AppCache::~AppCache() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    work_.notify_all();
    for (auto& thread : threads_) {
        thread.join();
    }
}

bool AppCache::plausible(std::string_view value) noexcept {
    return !value.empty() && value.size() <= kMaxValueBytes &&
           std::all_of(value.begin(), value.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

std::optional<AppAnswer> AppCache::find(AppLookup by, std::string_view value, Callback later) {
    if (!plausible(value)) {
        counters_.looked_up(StoreLookup::Invalid);
        return AppAnswer{};
    }
    const auto now = now_();
    Name name{by, std::string(value)};
    const std::lock_guard lock(mutex_);
    const auto* entry = known(name);
    if (entry != nullptr && now - entry->fetched < options_.ttl) {
        counters_.looked_up(StoreLookup::CacheHit);
        return AppAnswer{entry->app, true};
    }
    if (entry == nullptr) {
        const auto it = unknown_.find(unknown_name(by, value));
        if (it != unknown_.end() && now - it->second < options_.ttl) {
            counters_.looked_up(StoreLookup::NegativeHit);
            return AppAnswer{};
        }
    }
    if ((down_ && now < retry_at_) || queue_.size() >= options_.max_waiting) {
        return from_memory(name, 1);
    }
    auto [waiting, first] = waiting_.try_emplace(name);
    waiting->second.push_back(std::move(later));
    if (first) {
        queue_.push_back(Query{by, std::move(name.second)});
        counters_.set_waiting(queue_.size());
        work_.notify_one();
    }
    return std::nullopt;
}

std::size_t AppCache::unknown_entries() const {
    const std::lock_guard lock(mutex_);
    return unknown_.size();
}

const AppCache::Known* AppCache::known(const Name& name) const {
    const auto it = known_.find(name);
    return it == known_.end() ? nullptr : &it->second;
}

AppAnswer AppCache::from_memory(const Name& name, std::uint64_t lookups) const {
    const auto* entry = known(name);
    if (entry != nullptr) {
        counters_.looked_up(StoreLookup::Stale, lookups);
        return AppAnswer{entry->app, false};
    }
    counters_.looked_up(StoreLookup::Unavailable, lookups);
    return AppAnswer{nullptr, false};
}

void AppCache::run(std::size_t /*thread*/) {
    std::unique_ptr<Backend> backend;
    std::unique_lock lock(mutex_);
    while (true) {
        work_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) {
            return;
        }
        const auto query = std::move(queue_.front());
        queue_.pop_front();
        counters_.set_waiting(queue_.size());
        lock.unlock();
        if (!backend) {
            backend = backends_();
        }
        // The backend connects inside find() when it has no connection: that time counts too.
        const auto started = now_();
        auto result = backend->find(query.by, query.value);
        counters_.queried(result.has_value(), now_() - started);
        answer(query, std::move(result));
        lock.lock();
    }
}

void AppCache::answer(const Query& query, DbResult<std::optional<AppRow>> result) {
    const auto now = now_();
    const Name name{query.by, query.value};
    std::vector<Callback> callbacks;
    AppAnswer reply;
    std::optional<std::string> bad_row;
    std::vector<std::string> skipped;
    {
        const std::lock_guard lock(mutex_);
        if (const auto it = waiting_.find(name); it != waiting_.end()) {
            callbacks = std::move(it->second);
            waiting_.erase(it);
        }
        const auto lookups = static_cast<std::uint64_t>(callbacks.size());
        if (!result) {
            mark_down(result.error(), now);
            reply = from_memory(name, lookups);
        } else {
            mark_up();
            reply = take(name, result.value(), now, lookups, bad_row, skipped);
            count_entries();
        }
    }
    if (bad_row) {
        util::log_throttled(bad_rows_, [&](const std::string& note) {
            spdlog::warn("app store: the row of {} '{}' is refused: {}{}",
                         query.by == AppLookup::ByKey ? "key" : "id", query.value, *bad_row, note);
        });
    }
    for (const auto& why : skipped) {
        util::log_throttled(skipped_webhooks_, [&](const std::string& note) {
            spdlog::warn("app store: the row of {} '{}': {}{}",
                         query.by == AppLookup::ByKey ? "key" : "id", query.value, why, note);
        });
    }
    for (auto& callback : callbacks) {
        callback(reply);
    }
}

AppAnswer AppCache::take(const Name& name, const std::optional<AppRow>& row, Clock::time_point now,
                         std::uint64_t lookups, std::optional<std::string>& bad_row,
                         std::vector<std::string>& skipped) {
    std::optional<server::App> app;
    if (row) {
        auto parsed = app_from_row(*row, &skipped);
        if (parsed) {
            app = std::move(parsed).value();
        } else {
            bad_row = std::move(parsed).error();
        }
    }
    // A case-insensitive collation finds "APP-KEY" for "app-key": not the same key.
    const bool matches = app && (name.first == AppLookup::ByKey ? app->key == name.second
                                                                : app->id == name.second);
    if (!matches) {
        forget(name);
        remember_unknown(name, now);
        counters_.looked_up(StoreLookup::NotFound, lookups);
        return AppAnswer{};
    }
    remember(std::make_shared<const server::App>(std::move(*app)), now);
    counters_.looked_up(StoreLookup::Found, lookups);
    return AppAnswer{known(name)->app, true};
}

void AppCache::remember(server::AppPtr app, Clock::time_point now) {
    // An unchanged row keeps the object it had, so "same pointer" still means "same settings".
    const Name by_id{AppLookup::ById, app->id};
    if (const auto* before = known(by_id)) {
        if (*before->app == *app) {
            app = before->app;
        }
        if (before->app->key != app->key) {
            known_.erase(Name{AppLookup::ByKey, before->app->key});
        }
    }
    unknown_.erase(unknown_name(AppLookup::ByKey, app->key));
    unknown_.erase(unknown_name(AppLookup::ById, app->id));
    known_[Name{AppLookup::ByKey, app->key}] = Known{app, now};
    if (known_.insert_or_assign(by_id, Known{app, now}).second) {
        ++known_apps_;
    }
}

void AppCache::forget(const Name& name) {
    const auto* entry = known(name);
    if (entry == nullptr) {
        return;
    }
    const auto app = entry->app;
    known_.erase(Name{AppLookup::ByKey, app->key});
    known_apps_ -= known_.erase(Name{AppLookup::ById, app->id});
}

void AppCache::remember_unknown(const Name& name, Clock::time_point now) {
    auto [it, fresh] = unknown_.insert_or_assign(unknown_name(name.first, name.second), now);
    if (fresh) {
        unknown_order_.push_back(it->first);
    }
    while (unknown_order_.size() > options_.max_unknown) {
        unknown_.erase(unknown_order_.front());
        unknown_order_.pop_front();
    }
}

void AppCache::mark_down(const std::string& error, Clock::time_point now) {
    backoff_ = down_ ? std::min(backoff_ * 2, options_.max_backoff) : options_.min_backoff;
    retry_at_ = now + backoff_;
    if (!down_) {
        spdlog::error(
                "app store {} is unreachable ({}): known apps are served from the cache, "
                "unknown keys are refused; retrying with back-off",
                options_.description, error);
    }
    down_ = true;
    counters_.set_reachable(false);
}

void AppCache::mark_up() {
    if (down_) {
        spdlog::info("app store {} is reachable again", options_.description);
    }
    down_ = false;
    backoff_ = std::chrono::milliseconds(0);
    counters_.set_reachable(true);
}

void AppCache::count_entries() const {
    counters_.set_cached_apps(known_apps_);
    counters_.set_negative_entries(unknown_.size());
}

}  // namespace herald::appstore
