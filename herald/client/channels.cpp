#include "herald/client/channels.h"

namespace herald::client {

void Members::reset(const std::vector<pusher::Member>& roster, std::string me) {
    members_.clear();
    for (const auto& member : roster) {
        members_.emplace(member.user_id, member.user_info);
    }
    me_ = std::move(me);
}

bool Members::add(const pusher::Member& member) {
    const auto [it, added] = members_.insert_or_assign(member.user_id, member.user_info);
    return added;
}

bool Members::remove(std::string_view user_id) {
    const auto it = members_.find(user_id);
    if (it == members_.end()) {
        return false;
    }
    members_.erase(it);
    return true;
}

void Members::clear() {
    members_.clear();
    me_.clear();
}

std::optional<std::string> Members::get(std::string_view user_id) const {
    const auto it = members_.find(user_id);
    if (it == members_.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::vector<pusher::Member> Members::all() const {
    std::vector<pusher::Member> result;
    result.reserve(members_.size());
    for (const auto& [id, info] : members_) {
        result.push_back(pusher::Member{id, info});
    }
    return result;
}

bool ChannelBook::add(std::string_view name) {
    return channels_.try_emplace(std::string(name)).second;
}

std::optional<ChannelEntry> ChannelBook::remove(std::string_view name) {
    const auto it = channels_.find(name);
    if (it == channels_.end()) {
        return std::nullopt;
    }
    ChannelEntry entry = std::move(it->second);
    channels_.erase(it);
    return entry;
}

ChannelEntry* ChannelBook::find(std::string_view name) {
    const auto it = channels_.find(name);
    return it == channels_.end() ? nullptr : &it->second;
}

const ChannelEntry* ChannelBook::find(std::string_view name) const {
    const auto it = channels_.find(name);
    return it == channels_.end() ? nullptr : &it->second;
}

std::optional<ChannelStatus> ChannelBook::status(std::string_view name) const {
    const auto* entry = find(name);
    return entry ? std::optional(entry->status) : std::nullopt;
}

void ChannelBook::connection_lost() {
    for (auto& [name, entry] : channels_) {
        entry.status = ChannelStatus::Waiting;
        entry.members.clear();
        entry.rekeying = false;  // the next connection's authorization brings a key
        entry.sealed.clear();
    }
}

std::vector<std::string> ChannelBook::waiting() const {
    std::vector<std::string> result;
    for (const auto& [name, entry] : channels_) {
        if (entry.status == ChannelStatus::Waiting) {
            result.push_back(name);
        }
    }
    return result;
}

std::vector<std::string> ChannelBook::names() const {
    std::vector<std::string> result;
    result.reserve(channels_.size());
    for (const auto& [name, entry] : channels_) {
        result.push_back(name);
    }
    return result;
}

}  // namespace herald::client
