#include "herald/webhooks/spool.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "herald/pusher/rest_signature.h"
#include "herald/util/parse.h"

namespace herald::webhooks {

namespace {

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

// "name=value&name=value", each part percent-encoded (RFC 3986 unreserved characters kept), so
// no space, '=' or '&' of the text can split the field.
std::string encode_headers(const std::vector<Header>& headers) {
    std::string out;
    for (const auto& header : headers) {
        if (!out.empty()) {
            out += '&';
        }
        out += pusher::percent_encode(header.name);
        out += '=';
        out += pusher::percent_encode(header.value);
    }
    return out;
}

bool decode_headers(std::string_view field, std::vector<Header>& headers) {
    while (!field.empty()) {
        const auto amp = field.find('&');
        const auto pair = field.substr(0, amp);
        const auto equals = pair.find('=');
        if (equals == std::string_view::npos || equals == 0) {
            return false;
        }
        Header header{util::percent_decode(pair.substr(0, equals)),
                      util::percent_decode(pair.substr(equals + 1))};
        // Checked again: an edited or damaged file must not put a CR/LF into a request either.
        if (header_problem(header, headers)) {
            return false;
        }
        headers.push_back(std::move(header));
        field = amp == std::string_view::npos ? std::string_view{} : field.substr(amp + 1);
    }
    return true;
}

// "P id time_ms events url key signature body", or "H" with the encoded headers before the body
// (without the newline). Requests without headers keep the "P" form of older versions.
bool parse_pending(std::string_view line, Outbound& out) {
    std::string_view rest = line.substr(2);
    std::string_view id;
    std::string_view time;
    std::string_view events;
    std::string_view url;
    std::string_view key;
    std::string_view signature;
    std::string_view headers;
    if (!next_field(rest, id) || !next_field(rest, time) || !next_field(rest, events) ||
        !next_field(rest, url) || !next_field(rest, key) || !next_field(rest, signature) ||
        (line.starts_with("H ") &&
         (!next_field(rest, headers) || !decode_headers(headers, out.headers))) ||
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

}  // namespace

Spool::Spool(std::string path, std::size_t max_bytes)
    : file_(std::move(path), "webhook spool",
            "undelivered webhooks are kept in memory only until it works again"),
      max_bytes_(max_bytes) {}

std::string Spool::record(const Outbound& r) {
    // The headers are written with the request rather than found again from the app's targets
    // at replay: with an app store the targets are not known when the spool is read, a target
    // may have changed or gone since, and a retry must send what the first attempt sent (§9.2).
    // The file is the process's own (mode 0600), as is the signature already in it.
    std::string line = (r.headers.empty() ? "P " : "H ") + std::to_string(r.id) + ' ' +
                       std::to_string(r.time_ms) + ' ' + std::to_string(r.events) + ' ' + r.url +
                       ' ' + r.key + ' ' + r.signature + ' ';
    if (!r.headers.empty()) {
        line += encode_headers(r.headers);
        line += ' ';
    }
    line += r.body;
    line += '\n';
    return line;
}

Spool::Replay Spool::open() {
    Replay replay;
    std::map<std::uint64_t, Outbound> pending;
    const auto torn = file_.open([&](std::string_view line) {
        Outbound request;
        if ((line.starts_with("P ") || line.starts_with("H ")) && parse_pending(line, request)) {
            next_id_ = std::max(next_id_, request.id + 1);
            pending[request.id] = std::move(request);
        } else if (const auto done = line.starts_with("D ") ? parse_done(line) : std::nullopt) {
            pending.erase(*done);
        } else if (!line.empty()) {
            ++replay.malformed;
        }
    });
    replay.malformed += torn;
    for (auto& [id, request] : pending) {
        replay.pending.push_back(std::move(request));
    }
    std::vector<const Outbound*> all;
    for (const auto& request : replay.pending) {
        all.push_back(&request);
    }
    rewrite(all);
    return replay;
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
    file_.replace(text);
}

Spool::Append Spool::append(Outbound& request) {
    request.id = next_id_++;
    auto line = record(request);
    if (pending_bytes_ + line.size() > max_bytes_) {
        return Append::Full;
    }
    if (file_.enabled() && file_.bytes() + line.size() > max_bytes_) {
        --next_id_;
        return Append::NeedsCompaction;
    }
    file_.append(line);
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
    // Nothing pending: start the file over instead of letting "D" records pile up.
    if (pending_.empty() && file_.clear()) {
        return;
    }
    file_.append("D " + std::to_string(id) + '\n');
}

}  // namespace herald::webhooks
