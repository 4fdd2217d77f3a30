#include "herald/webhooks/occupancy_journal.h"

#include <algorithm>
#include <string_view>
#include <tuple>
#include <utility>

#include "herald/pusher/rest_signature.h"
#include "herald/util/parse.h"

namespace herald::webhooks {

namespace {

// A record is one line of space-separated fields: spaces, line ends, other control characters
// and '%' itself become %XX, so any user id fits.
bool kept_in_record(char c) noexcept {
    const auto byte = static_cast<unsigned char>(c);
    return byte > 0x20U && byte != 0x7FU && c != '%';
}

void append_escaped(std::string& out, std::string_view field) {
    out += pusher::percent_encode(field, kept_in_record);
}

std::string key_of(const OccupancyEntry& entry) {
    std::string key;
    append_escaped(key, entry.app_id);
    key += ' ';
    append_escaped(key, entry.channel);
    if (!entry.user_id.empty()) {
        key += ' ';
        append_escaped(key, entry.user_id);
    }
    return key;
}

// The entry of a key read back from the file; nothing when it has not 2 or 3 non-empty fields.
std::optional<OccupancyEntry> entry_of(std::string_view key) {
    std::vector<std::string> fields;
    while (fields.size() < 4) {
        const auto space = key.find(' ');
        const auto field = key.substr(0, space);
        if (field.empty()) {
            return std::nullopt;
        }
        fields.push_back(util::percent_decode(field));
        if (space == std::string_view::npos) {
            break;
        }
        key.remove_prefix(space + 1);
    }
    if (fields.size() < 2 || fields.size() > 3) {
        return std::nullopt;
    }
    OccupancyEntry entry{std::move(fields[0]), std::move(fields[1]), {}};
    if (fields.size() == 3) {
        entry.user_id = std::move(fields[2]);
    }
    return entry;
}

std::size_t record_bytes(const std::string& key) {
    return key.size() + 3;  // the sign, a space and the '\n'
}

}  // namespace

OccupancyJournal::OccupancyJournal(std::string path, std::size_t compact_at_bytes)
    : file_(std::move(path), "occupancy journal",
            "a crash now may leave receivers believing channels occupied that are not"),
      compact_at_bytes_(compact_at_bytes) {}

OccupancyJournal::Replay OccupancyJournal::open() {
    Replay replay;
    const auto torn = file_.open([&](std::string_view line) {
        const auto entry =
                line.size() > 2 && line[1] == ' ' ? entry_of(line.substr(2)) : std::nullopt;
        if (!entry || (line[0] != '+' && line[0] != '-')) {
            replay.malformed += line.empty() ? 0 : 1;
            return;
        }
        // Written again as this version would: a key escaped differently still finds its entry.
        auto key = key_of(*entry);
        if (line[0] == '+') {
            live_.insert(std::move(key));
        } else {
            live_.erase(key);
        }
    });
    replay.malformed += torn;
    for (const auto& key : live_) {
        live_bytes_ += record_bytes(key);
        replay.live.push_back(*entry_of(key));
    }
    // Members before channels, as a presence channel's last member leaves before it is vacated.
    const auto order = [](const OccupancyEntry& e) {
        return std::tie(e.app_id, e.channel, e.user_id);
    };
    std::sort(replay.live.begin(), replay.live.end(), [&](const auto& a, const auto& b) {
        if (a.user_id.empty() != b.user_id.empty()) {
            return b.user_id.empty();
        }
        return order(a) < order(b);
    });
    file_.replace(live_records());
    return replay;
}

std::string OccupancyJournal::live_records() const {
    std::string text;
    text.reserve(live_bytes_);
    for (const auto& key : live_) {
        text += "+ ";
        text += key;
        text += '\n';
    }
    return text;
}

void OccupancyJournal::write(char sign, const std::string& key) {
    std::string record;
    record.reserve(record_bytes(key));
    record += sign;
    record += ' ';
    record += key;
    record += '\n';
    file_.append(record);
    if (file_.bytes() > std::max(compact_at_bytes_, 2 * live_bytes_)) {
        file_.replace(live_records());
    }
}

void OccupancyJournal::added(const OccupancyEntry& entry) {
    if (!enabled()) {
        return;
    }
    auto key = key_of(entry);
    removing_.erase(key);  // back before its removal was spooled: still what receivers believe
    if (live_.contains(key)) {
        return;
    }
    live_bytes_ += record_bytes(key);
    write('+', key);
    live_.insert(std::move(key));
}

void OccupancyJournal::removed(const OccupancyEntry& entry, Clock::time_point spooled_by) {
    if (!enabled()) {
        return;
    }
    auto key = key_of(entry);
    if (live_.contains(key)) {
        removing_.insert_or_assign(std::move(key), spooled_by);
    }
}

void OccupancyJournal::forget(const std::string& key) {
    const auto it = live_.find(key);
    if (it == live_.end()) {
        return;
    }
    live_bytes_ -= record_bytes(key);
    live_.erase(it);
    // Nothing live: start the file over instead of letting records pile up.
    if (live_.empty() && file_.clear()) {
        return;
    }
    write('-', key);
}

void OccupancyJournal::drop(const OccupancyEntry& entry) {
    auto key = key_of(entry);
    removing_.erase(key);
    forget(key);
}

void OccupancyJournal::forget_spooled(Clock::time_point now) {
    for (auto it = removing_.begin(); it != removing_.end();) {
        if (it->second <= now) {
            forget(it->first);
            it = removing_.erase(it);
        } else {
            ++it;
        }
    }
}

void OccupancyJournal::forget_all_removed() {
    for (const auto& [key, due] : removing_) {
        forget(key);
    }
    removing_.clear();
}

std::optional<OccupancyJournal::Clock::time_point> OccupancyJournal::next_due() const {
    std::optional<Clock::time_point> due;
    for (const auto& [key, at] : removing_) {
        if (!due || at < *due) {
            due = at;
        }
    }
    return due;
}

}  // namespace herald::webhooks
