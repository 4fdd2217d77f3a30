// herald/webhooks/occupancy_journal.h
//
// What this node has told webhook receivers is occupied (a channel of an app) or present (a user
// in a presence channel), kept on disk beside the spool. Its use is the restart after a crash:
// the node's connections died with the process, so whatever the journal still holds at start is
// no longer true, and the pipeline retracts it with channel_vacated / member_removed.
//
// One record per line, each written with one write(2) (RecordFile): "+ APP CHANNEL" and
// "- APP CHANNEL" for occupancy, "+ APP CHANNEL USER" and "- APP CHANNEL USER" for members, the
// fields percent-escaped (a user id may hold any character). An entry is added as soon as its
// channel_occupied / member_added leaves the grace delay. Its removal is written only from the
// time the caller names, by which the request carrying the channel_vacated / member_removed is in
// the spool; an addition before then keeps the entry. So after a crash every announcement is
// either still in the journal or retracted by a request in the spool, never lost between them.
// When nothing is live the file is emptied; when it grows past max(compact_at_bytes, twice the
// live records) it is rewritten with the live records only. A path of "" turns it off.
// Owner: the webhook thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "herald/webhooks/record_file.h"

namespace herald::webhooks {

// A channel of an app that was announced occupied, or with `user_id`, a member announced present.
// App ids and channel names are never empty.
struct OccupancyEntry {
    std::string app_id;
    std::string channel;
    std::string user_id;  // empty: the channel's occupancy

    friend bool operator==(const OccupancyEntry&, const OccupancyEntry&) = default;
};

class OccupancyJournal {
public:
    using Clock = std::chrono::steady_clock;

    static constexpr std::size_t kCompactAtBytes = 1U << 20U;

    struct Replay {
        std::vector<OccupancyEntry> live;  // members first, then channels (§9.4's order)
        std::size_t malformed = 0;         // lines that were not records (a torn last write ...)
    };

    explicit OccupancyJournal(std::string path, std::size_t compact_at_bytes = kCompactAtBytes);

    // Locks and reads the journal and rewrites it with the live entries, which stay live until
    // removed. Throws std::runtime_error naming the file when it cannot be locked, read or written.
    Replay open();

    // channel_occupied / member_added was announced.
    void added(const OccupancyEntry& entry);

    // channel_vacated / member_removed was announced; the request carrying it is in the spool by
    // `spooled_by`, and from then on the entry may be forgotten (unless added again before).
    void removed(const OccupancyEntry& entry, Clock::time_point spooled_by);

    // Forgets `entry` at once: nothing will retract it (its app is gone or has no target left).
    void drop(const OccupancyEntry& entry);

    // Forgets the removed entries whose time has come.
    void forget_spooled(Clock::time_point now);

    // Forgets every removed entry (at stop, once every open batch is in the spool).
    void forget_all_removed();

    // When forget_spooled() next has something to do.
    [[nodiscard]] std::optional<Clock::time_point> next_due() const;

    [[nodiscard]] bool enabled() const noexcept { return file_.enabled(); }

    [[nodiscard]] std::size_t live() const noexcept { return live_.size(); }

    [[nodiscard]] std::size_t file_bytes() const noexcept { return file_.bytes(); }

    [[nodiscard]] const std::string& path() const noexcept { return file_.path(); }

private:
    void forget(const std::string& key);
    void write(char sign, const std::string& key);
    [[nodiscard]] std::string live_records() const;

    RecordFile file_;
    std::size_t compact_at_bytes_;
    std::unordered_set<std::string> live_;  // records without sign and '\n': "APP CHANNEL[ USER]"
    std::size_t live_bytes_ = 0;            // of their "+" records
    std::unordered_map<std::string, Clock::time_point> removing_;  // live key -> spooled by
};

}  // namespace herald::webhooks
