#include "herald/webhooks/spool.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include "herald/util/parse.h"

namespace herald::webhooks {

namespace {

std::runtime_error failure(const std::string& what, const std::string& path) {
    return std::runtime_error(what + " webhook spool \"" + path + "\": " + std::strerror(errno));
}

// Splits off the text up to the next space; false when there is none.
bool next_field(std::string_view& rest, std::string_view& field) {
    const auto space = rest.find(' ');
    if (space == std::string_view::npos) {
        return false;
    }
    field = rest.substr(0, space);
    rest.remove_prefix(space + 1);
    return !field.empty();
}

// "P id time_ms events url key signature body" (without the newline).
bool parse_pending(std::string_view line, Outbound& out) {
    std::string_view rest = line.substr(2);
    std::string_view id;
    std::string_view time;
    std::string_view events;
    std::string_view url;
    std::string_view key;
    std::string_view signature;
    if (!next_field(rest, id) || !next_field(rest, time) || !next_field(rest, events) ||
        !next_field(rest, url) || !next_field(rest, key) || !next_field(rest, signature) ||
        rest.empty()) {
        return false;
    }
    // A number that does not parse makes the whole record corrupt: open() counts it as malformed.
    const auto id_number = util::parse_integer<std::uint64_t>(id);
    const auto time_ms = util::parse_integer<std::int64_t>(time);
    const auto event_count = util::parse_integer<std::size_t>(events);
    if (!id_number || !time_ms || !event_count) {
        return false;
    }
    out.id = *id_number;
    out.time_ms = *time_ms;
    out.events = *event_count;
    out.url = url;
    out.key = key;
    out.signature = signature;
    out.body = rest;
    return true;
}

// "D id" (without the newline): request `id` is done. Nothing when the id is corrupt.
std::optional<std::uint64_t> parse_done(std::string_view line) {
    return util::parse_integer<std::uint64_t>(line.substr(2));
}

int open_append(const std::string& path) {
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-vararg): open(2)
    return ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
}

}  // namespace

Spool::Spool(std::string path, std::size_t max_bytes)
    : path_(std::move(path)), max_bytes_(max_bytes) {}

Spool::~Spool() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
    if (lock_fd_ >= 0) {
        ::close(lock_fd_);  // releases the flock
    }
}

std::string Spool::record(const Outbound& r) {
    std::string line = "P " + std::to_string(r.id) + ' ' + std::to_string(r.time_ms) + ' ' +
                       std::to_string(r.events) + ' ' + r.url + ' ' + r.key + ' ' + r.signature +
                       ' ';
    line += r.body;
    line += '\n';
    return line;
}

Spool::Replay Spool::open() {
    Replay replay;
    if (path_.empty()) {
        return replay;
    }
    const auto lock_path = path_ + ".lock";
    lock_fd_ = open_append(lock_path);
    if (lock_fd_ < 0) {
        throw failure("cannot create the lock file of the", path_);
    }
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
        throw std::runtime_error("webhook spool \"" + path_ + "\" is in use by another process (" +
                                 lock_path + " is locked)");
    }
    std::map<std::uint64_t, Outbound> pending;
    std::ifstream in(path_, std::ios::binary);
    std::string line;
    while (in && std::getline(in, line)) {
        const bool complete = !in.eof();  // the last line without '\n' is a torn write
        Outbound request;
        if (complete && line.starts_with("P ") && parse_pending(line, request)) {
            next_id_ = std::max(next_id_, request.id + 1);
            pending[request.id] = std::move(request);
        } else if (const auto done =
                           complete && line.starts_with("D ") ? parse_done(line) : std::nullopt) {
            pending.erase(*done);
        } else if (!line.empty()) {
            ++replay.malformed;
        }
    }
    if (in.bad()) {
        throw failure("cannot read the", path_);
    }
    for (auto& [id, request] : pending) {
        replay.pending.push_back(std::move(request));
    }
    std::vector<const Outbound*> all;
    for (const auto& request : replay.pending) {
        all.push_back(&request);
    }
    rewrite(all);
    if (fd_ < 0) {
        throw failure("cannot write the", path_);
    }
    return replay;
}

void Spool::reopen() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
    fd_ = open_append(path_);
}

void Spool::rewrite(const std::vector<const Outbound*>& pending) {
    pending_.clear();
    pending_bytes_ = 0;
    std::string text;
    for (const auto* request : pending) {
        auto line = record(*request);
        pending_[request->id] = line.size();
        pending_bytes_ += line.size();
        text += line;
    }
    if (path_.empty()) {
        return;
    }
    // A new file renamed over the old one: a crash leaves either the old records or the new.
    const auto temporary = path_ + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << text;
        out.flush();
        if (!out) {
            spdlog::error("webhooks: cannot write {}: {}", temporary, std::strerror(errno));
            reopen();
            return;
        }
    }
    if (std::rename(temporary.c_str(), path_.c_str()) != 0) {
        spdlog::error("webhooks: cannot replace {}: {}", path_, std::strerror(errno));
        reopen();
        return;
    }
    file_bytes_ = text.size();
    reopen();
}

bool Spool::write(const std::string& text) {
    if (path_.empty()) {
        return true;
    }
    const auto written = fd_ < 0 ? -1 : ::write(fd_, text.data(), text.size());
    if (written == static_cast<ssize_t>(text.size())) {
        file_bytes_ += text.size();
        write_failed_ = false;
        return true;
    }
    if (!write_failed_) {
        spdlog::error(
                "webhooks: cannot append to the spool {}: {}; undelivered webhooks are "
                "kept in memory only until it works again",
                path_, written < 0 ? std::strerror(errno) : "short write");
        write_failed_ = true;
    }
    return false;
}

Spool::Append Spool::append(Outbound& request) {
    request.id = next_id_++;
    auto line = record(request);
    if (pending_bytes_ + line.size() > max_bytes_) {
        return Append::Full;
    }
    if (!path_.empty() && file_bytes_ + line.size() > max_bytes_) {
        --next_id_;
        return Append::NeedsCompaction;
    }
    write(line);
    pending_[request.id] = line.size();
    pending_bytes_ += line.size();
    return Append::Ok;
}

void Spool::done(std::uint64_t id) {
    const auto it = pending_.find(id);
    if (it == pending_.end()) {
        return;
    }
    pending_bytes_ -= it->second;
    pending_.erase(it);
    if (path_.empty()) {
        return;
    }
    if (pending_.empty() && fd_ >= 0) {
        // Nothing pending: start the file over instead of letting "D" records pile up.
        if (::ftruncate(fd_, 0) == 0) {
            file_bytes_ = 0;
            return;
        }
    }
    write("D " + std::to_string(id) + '\n');
}

}  // namespace herald::webhooks
