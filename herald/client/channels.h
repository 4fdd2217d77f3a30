// herald/client/channels.h
//
// The client's channel bookkeeping (protocol.md §10.6): which channels the application wants,
// whether each is waiting for a connection, pending (pusher:subscribe sent), subscribed or
// refused, and the members of presence channels (§4.4, §4.7). Every subscription returns to
// waiting when the connection is lost and is subscribed again on the next one.
// Owner: the client core (its I/O thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/pusher/member.h"

namespace herald::client {

// A presence channel's roster: one entry per user id (§6.5.1), `me` being this connection's.
class Members {
public:
    // §4.4: replaces the roster with the server's.
    void reset(const std::vector<pusher::Member>& roster, std::string me);
    // §4.7: true when the id was not a member (pusher-js counts only those).
    bool add(const pusher::Member& member);
    // §4.7: true when the id was a member (an unknown id is ignored).
    bool remove(std::string_view user_id);
    void clear();

    [[nodiscard]] const std::string& me() const noexcept { return me_; }

    [[nodiscard]] std::size_t count() const noexcept { return members_.size(); }

    // The member's user_info as compact JSON.
    [[nodiscard]] std::optional<std::string> get(std::string_view user_id) const;
    // Every member, ordered by user id.
    [[nodiscard]] std::vector<pusher::Member> all() const;

private:
    std::string me_;
    std::map<std::string, std::string, std::less<>> members_;  // id -> user_info
};

enum class ChannelStatus : std::uint8_t {
    Waiting,      // no connection yet (or lost): subscribed on the next connection_established
    Authorizing,  // waiting for an asynchronous authorizer (the HTTP auth endpoint)
    Pending,      // pusher:subscribe sent, no answer yet
    Subscribed,   // pusher_internal:subscription_succeeded received
    Refused,      // pusher:subscription_error, or the authorizer refused; not retried until the
                  // next connection
};

// An encrypted channel's event that did not open with the channel's key, kept while the key is
// asked for again (protocol.md §7.8).
struct SealedEvent {
    std::string event;
    std::string payload;
};

struct ChannelEntry {
    ChannelStatus status = ChannelStatus::Waiting;
    Members members;         // presence channels only
    std::string my_user_id;  // from the channel_data of the last authorization (presence)
    std::string key;         // encrypted channels: the secretbox key (the decoded shared_secret)
    bool rekeying = false;   // encrypted channels: authorizing again after a failed decryption
    std::vector<SealedEvent> sealed;  // ... and the events waiting for the new key
};

class ChannelBook {
public:
    // False when the channel is already there.
    bool add(std::string_view name);
    // The entry before removal, or nullopt when the channel was not there.
    std::optional<ChannelEntry> remove(std::string_view name);

    [[nodiscard]] ChannelEntry* find(std::string_view name);
    [[nodiscard]] const ChannelEntry* find(std::string_view name) const;
    [[nodiscard]] std::optional<ChannelStatus> status(std::string_view name) const;

    // The connection is gone: every channel waits again and loses its members (§10.6).
    void connection_lost();
    // The names of the channels waiting for a connection, in name order.
    [[nodiscard]] std::vector<std::string> waiting() const;
    [[nodiscard]] std::vector<std::string> names() const;

    [[nodiscard]] std::size_t size() const noexcept { return channels_.size(); }

private:
    std::map<std::string, ChannelEntry, std::less<>> channels_;
};

}  // namespace herald::client
