// herald/client/core_encrypted.cpp
//
// The encrypted-channel half of the Core (core.h; protocol.md §6.6, §7.4, §7.8): the channel's
// key from the authorization's shared_secret, and its events opened with it. As in pusher-js, an
// event that does not open makes the client ask for the key once more (it may have been rotated)
// and try again; what still does not open is reported as pusher:decryption_error and never
// delivered.
#include <utility>

#include "herald/client/core.h"
#include "herald/pusher/secretbox.h"
#include "herald/util/base64.h"
#include "herald/util/json_writer.h"

namespace herald::client {

util::Result<std::string, std::string> Core::channel_key(
        const pusher::Authorization& authorization) {
    if (!authorization.shared_secret) {
        return util::unexpected(
                std::string("no shared_secret in the authorization of an encrypted channel"));
    }
    auto key = util::base64_decode(*authorization.shared_secret);
    if (!key || key->size() != pusher::kSecretboxKeyBytes) {
        return util::unexpected(std::string("the shared_secret is not 32 bytes of base64"));
    }
    return std::move(*key);
}

void Core::encrypted_event(const std::string& channel, const std::string& event,
                           std::string payload) {
    auto* entry = channels_.find(channel);
    if (entry->rekeying) {
        entry->sealed.push_back(SealedEvent{event, std::move(payload)});
        return;
    }
    if (const auto plain = pusher::open_payload(entry->key, payload)) {
        emit(event, channel, pusher::decrypted_data_text(*plain));
        return;
    }
    entry->rekeying = true;
    entry->sealed.push_back(SealedEvent{event, std::move(payload)});
    if (hooks_.authorize) {
        const AuthResult result = hooks_.authorize(socket_id_, channel);
        entry = channels_.find(channel);  // the authorizer may have unsubscribed it
        if (entry != nullptr && entry->rekeying && established_) {
            rekeyed(channel, result);
        }
    } else if (hooks_.authorize_async) {
        hooks_.authorize_async(socket_id_, channel);  // the answer comes through authorized()
    } else {
        rekeyed(channel, util::unexpected(std::string("no authorizer")));
    }
}

void Core::rekeyed(const std::string& channel, const AuthResult& result) {
    auto* entry = channels_.find(channel);
    entry->rekeying = false;
    if (result) {
        if (const auto authorization = pusher::read_authorization(*result)) {
            if (auto key = channel_key(*authorization)) {
                entry->key = std::move(*key);
            }
        }
    }
    // A callback may unsubscribe the channel: work on copies.
    const std::string key = entry->key;
    const auto sealed = std::exchange(entry->sealed, {});
    for (const auto& event : sealed) {
        emit_sealed(channel, key, event);
    }
}

void Core::emit_sealed(const std::string& channel, std::string_view key,
                       const SealedEvent& sealed) {
    if (const auto plain = pusher::open_payload(key, sealed.payload)) {
        emit(sealed.event, channel, pusher::decrypted_data_text(*plain));
        return;
    }
    util::JsonWriter w;
    w.begin_object().key("event").string(sealed.event);
    w.key("error").string("the event did not decrypt with the channel's key; dropped");
    w.end_object();
    emit(std::string(pusher::events::kDecryptionError), channel, w.take());
}

}  // namespace herald::client
