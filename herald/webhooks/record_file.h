// herald/webhooks/record_file.h
//
// The file mechanics the webhook spool and the occupancy journal share: a file of one-line
// records, kept by one process at a time. open() takes a lock file (`<path>.lock`, flock) so a
// second process using the same file fails at start instead of interleaving records, then reads
// the complete lines; a last line without '\n' is a write the process did not finish and is
// skipped. append() writes one record with one write(2), so a crash of the process leaves whole
// records and at most a torn last one; replace() writes a new file and renames it over the old
// one (a crash leaves either); clear() empties it. Records survive a crash of the process, not a
// power loss (no fsync). A path of "" is a file of nothing: every call succeeds, nothing is kept.
// Owner: the webhook thread (open() before it starts).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace herald::webhooks {

class RecordFile {
public:
    // `what` names the file in errors ("webhook spool"); `when_failing` tells in the log what a
    // failed append means for the operator.
    RecordFile(std::string path, std::string what, std::string when_failing);
    ~RecordFile();
    RecordFile(const RecordFile&) = delete;
    RecordFile& operator=(const RecordFile&) = delete;

    // Locks the file, passes each complete line (without its '\n') to `line` in order and opens
    // the file for appending. Returns the number of torn lines skipped (0 or 1). Throws
    // std::runtime_error naming the file when it cannot be locked, read or opened.
    std::size_t open(const std::function<void(std::string_view line)>& line);

    // Appends `record` (its '\n' included) with one write(2). A failure is logged once until an
    // append works again.
    bool append(std::string_view record);

    // Makes `records` the whole file: a new file renamed over the old one. On failure the old
    // file stays and the error is logged.
    bool replace(std::string_view records);

    // Empties the file.
    bool clear();

    [[nodiscard]] bool enabled() const noexcept { return !path_.empty(); }

    [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }

    [[nodiscard]] const std::string& path() const noexcept { return path_; }

private:
    void reopen();

    std::string path_;
    std::string what_;
    std::string when_failing_;
    int fd_ = -1;
    int lock_fd_ = -1;
    std::size_t bytes_ = 0;       // of the file, as far as this process wrote or read it
    bool append_failed_ = false;  // logged once
};

}  // namespace herald::webhooks
