#include "herald/webhooks/record_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <utility>

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

namespace herald::webhooks {

namespace {

int open_append(const std::string& path) {
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-vararg): open(2)
    return ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
}

}  // namespace

RecordFile::RecordFile(std::string path, std::string what, std::string when_failing)
    : path_(std::move(path)), what_(std::move(what)), when_failing_(std::move(when_failing)) {}

RecordFile::~RecordFile() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
    if (lock_fd_ >= 0) {
        ::close(lock_fd_);  // releases the flock
    }
}

std::size_t RecordFile::open(const std::function<void(std::string_view line)>& line) {
    if (path_.empty()) {
        return 0;
    }
    const auto failure = [&](const std::string& doing) {
        return std::runtime_error(doing + ' ' + what_ + " \"" + path_ +
                                  "\": " + std::strerror(errno));
    };
    const auto lock_path = path_ + ".lock";
    lock_fd_ = open_append(lock_path);
    if (lock_fd_ < 0) {
        throw failure("cannot create the lock file of the");
    }
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
        throw std::runtime_error(what_ + " \"" + path_ + "\" is in use by another process (" +
                                 lock_path +
                                 " is locked): each running herald needs a state directory of "
                                 "its own (--state-dir, HERALD_STATE_DIR)");
    }
    std::size_t torn = 0;
    std::ifstream in(path_, std::ios::binary);
    std::string text;
    while (in && std::getline(in, text)) {
        bytes_ += text.size();
        if (in.eof()) {
            torn = 1;  // the last line without '\n': a write the process did not finish
            break;
        }
        ++bytes_;
        line(text);
    }
    if (in.bad()) {
        throw failure("cannot read the");
    }
    reopen();
    if (fd_ < 0) {
        throw failure("cannot write the");
    }
    return torn;
}

void RecordFile::reopen() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
    fd_ = open_append(path_);
}

bool RecordFile::append(std::string_view record) {
    if (path_.empty()) {
        return true;
    }
    const auto written = fd_ < 0 ? -1 : ::write(fd_, record.data(), record.size());
    if (written == static_cast<ssize_t>(record.size())) {
        bytes_ += record.size();
        append_failed_ = false;
        return true;
    }
    if (!append_failed_) {
        spdlog::error("webhooks: cannot append to the {} {}: {}; {}", what_, path_,
                      written < 0 ? std::strerror(errno) : "short write", when_failing_);
        append_failed_ = true;
    }
    return false;
}

bool RecordFile::replace(std::string_view records) {
    if (path_.empty()) {
        return true;
    }
    const auto temporary = path_ + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << records;
        out.flush();
        if (!out) {
            spdlog::error("webhooks: cannot write {}: {}", temporary, std::strerror(errno));
            reopen();
            return false;
        }
    }
    if (std::rename(temporary.c_str(), path_.c_str()) != 0) {
        spdlog::error("webhooks: cannot replace {}: {}", path_, std::strerror(errno));
        reopen();
        return false;
    }
    bytes_ = records.size();
    reopen();  // the descriptor still points at the old file, now unlinked
    return true;
}

bool RecordFile::clear() {
    if (path_.empty()) {
        return true;
    }
    if (fd_ < 0 || ::ftruncate(fd_, 0) != 0) {
        return false;
    }
    bytes_ = 0;
    return true;
}

}  // namespace herald::webhooks
