// herald/webhooks/spool.h
//
// The append-only file that keeps undelivered webhooks across restarts. Every request is written
// ("P" record: id, time, URL, key, signature, body on one line; "H" when the request carries
// extra headers, written encoded before the body) before its first attempt, and a "D" record
// follows once it is delivered or dead-lettered; on start the records without a "D" are replayed
// and the file is rewritten with only them. The file's size is bounded: when the
// next record would pass the bound the file is compacted, and when what is pending alone passes
// it the request is refused (the caller counts and logs the drop). A path of "" keeps only the
// size accounting (nothing survives a restart). The file itself (lock, one write(2) per record,
// atomic rewrite) is a RecordFile: records survive a crash of the process, not a power loss.
// Owner: the webhook thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "herald/webhooks/outbound.h"
#include "herald/webhooks/record_file.h"

namespace herald::webhooks {

class Spool {
public:
    enum class Append : std::uint8_t {
        Ok,
        NeedsCompaction,  // call rewrite() with everything pending, then append again
        Full,             // pending requests alone would pass the bound: drop this one
    };

    struct Replay {
        std::vector<Outbound> pending;  // in creation order
        std::size_t malformed = 0;      // lines that were not records (a torn last write ...)
    };

    Spool(std::string path, std::size_t max_bytes);

    // Locks and reads the spool, then rewrites it with only the pending records. Throws
    // std::runtime_error naming the file when it cannot be locked, read or written.
    Replay open();

    // Writes `request` (assigning its id) unless the bound says otherwise.
    Append append(Outbound& request);

    // The request left the queue (delivered or dead-lettered).
    void done(std::uint64_t id);

    // Replaces the file by the records of `pending` (every request not yet done).
    void rewrite(const std::vector<const Outbound*>& pending);

    [[nodiscard]] std::size_t pending_bytes() const noexcept { return pending_bytes_; }

    [[nodiscard]] std::size_t file_bytes() const noexcept { return file_.bytes(); }

    [[nodiscard]] const std::string& path() const noexcept { return file_.path(); }

private:
    [[nodiscard]] static std::string record(const Outbound& request);

    RecordFile file_;
    std::size_t max_bytes_;
    std::uint64_t next_id_ = 1;
    std::unordered_map<std::uint64_t, std::size_t> pending_;  // id -> record bytes
    std::size_t pending_bytes_ = 0;
};

}  // namespace herald::webhooks
