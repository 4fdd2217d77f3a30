// herald/sdk/client.h
//
// herald::sdk::Client: a Pusher Channels server SDK for C++ applications, against Herald or the
// hosted service. It triggers events (one to 100 channels, batches of up to 10, users), queries
// channels and presence members, signs channel and user authorizations, verifies webhooks and
// encrypts private-encrypted- channels end to end. Every REST call has a blocking form that
// returns the server's JSON answer or throws (errors.h); trigger, get and post also have
// asynchronous forms (a std::future, or a callback run on the client's background thread) that
// never block the caller.
// Owner: thread-safe; share one client per app. Destroying it waits for its background thread,
// which completes unfinished asynchronous calls with an error.
#pragma once

#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/sdk/auth.h"
#include "herald/sdk/errors.h"
#include "herald/sdk/json.h"
#include "herald/sdk/options.h"
#include "herald/sdk/request.h"
#include "herald/sdk/webhook.h"

namespace herald::sdk {

// What an asynchronous call's callback receives: the answer, or the error it would have thrown.
struct AsyncResult {
    Json value;
    std::exception_ptr error;

    [[nodiscard]] bool ok() const noexcept { return error == nullptr; }

    // The answer; rethrows the error.
    [[nodiscard]] const Json& get() const {
        if (error) {
            std::rethrow_exception(error);
        }
        return value;
    }
};

// Runs on the client's background thread: return quickly, never destroy the client in it. What
// it throws is logged (LogLevel::Error) and goes no further.
using Callback = std::function<void(AsyncResult)>;

class Client;

// client.channel("orders").trigger("shipped", data): the older per-channel form.
class ChannelRef {
public:
    ChannelRef(Client& client, std::string name) : client_(client), name_(std::move(name)) {}

    Json trigger(std::string_view event, const Data& data, const TriggerParams& params = {});

    Json info(std::optional<std::string> info = std::nullopt);

    Json users();

    [[nodiscard]] const std::string& name() const noexcept { return name_; }

private:
    Client& client_;
    std::string name_;
};

class Client {
public:
    // Throws ConfigurationError when the options cannot work (resolve_endpoint).
    explicit Client(Options options);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    Client(Client&&) noexcept;
    Client& operator=(Client&&) noexcept;

    [[nodiscard]] static Client from_url(std::string_view url);  // Options::from_url
    [[nodiscard]] static Client from_env();                      // Options::from_env

    // POST /events (§8.4). Encrypts for a single private-encrypted- channel (§7.8). Returns {}
    // or, with params.info, {"channels":{..}}.
    Json trigger(const Channels& channels, std::string_view event, const Data& data,
                 const TriggerParams& params = {});

    // POST /batch_events (§8.5), 1 to 10 events.
    Json trigger_batch(const std::vector<BatchEvent>& events);

    [[nodiscard]] ChannelRef channel(std::string name) { return {*this, std::move(name)}; }

    // GET /channels/NAME (§8.7), e.g. info "user_count,subscription_count".
    Json channel_info(std::string_view channel,
                      const std::optional<std::string>& info = std::nullopt);

    // GET /channels/NAME/users (§8.8): {"users":[{"id":".."},..]}.
    Json channel_users(std::string_view channel);

    // GET /channels (§8.6): {"channels":{"name":{..},..}}.
    Json channels(const ChannelsParams& params = {});

    // Any API call, by its path under /apps/APP_ID (e.g. "/channels").
    Json get(std::string_view path, const QueryParams& params = {});
    Json post(std::string_view path, const Json& body);

    // An event on #server-to-user-USER_ID (§8.10).
    Json send_to_user(std::string_view user_id, std::string_view event, const Data& data);

    // POST /users/USER_ID/terminate_connections (§8.9).
    Json terminate_user_connections(std::string_view user_id);

    // Asynchronous forms: arguments are checked, and the request built and signed, before they
    // return (bad arguments throw at once); the answer comes later.
    [[nodiscard]] std::future<Json> trigger_async(const Channels& channels, std::string_view event,
                                                  const Data& data,
                                                  const TriggerParams& params = {});
    void trigger_async(const Channels& channels, std::string_view event, const Data& data,
                       const TriggerParams& params, Callback callback);
    [[nodiscard]] std::future<Json> get_async(std::string_view path,
                                              const QueryParams& params = {});
    void get_async(std::string_view path, const QueryParams& params, Callback callback);
    [[nodiscard]] std::future<Json> post_async(std::string_view path, const Json& body);
    void post_async(std::string_view path, const Json& body, Callback callback);

    // Channel authorization (§7.2-§7.4) for private- and private-encrypted- channels, and for
    // presence- channels with the member.
    [[nodiscard]] ChannelAuth authenticate(std::string_view channel,
                                           std::string_view socket_id) const;
    [[nodiscard]] ChannelAuth authenticate(std::string_view channel, std::string_view socket_id,
                                           const PresenceMember& member) const;

    // User sign-in (§7.5); `user_data` is an object with a non-empty string "id".
    [[nodiscard]] UserAuth authenticate_user(std::string_view socket_id,
                                             const Json& user_data) const;

    // The base64 secretbox key of an encrypted channel (§7.4); needs the master key.
    [[nodiscard]] std::string channel_shared_secret(std::string_view channel) const;

    // A received webhook, checked against this app's key and secret (and `extra` tokens).
    [[nodiscard]] Webhook webhook(const Headers& headers, std::string body,
                                  const std::vector<WebhookToken>& extra = {}) const;

    // The signed request the SDK would send (for debugging and for other HTTP clients).
    // `path` is under /apps/APP_ID.
    [[nodiscard]] SignedRequest signed_request(std::string_view method, std::string_view path,
                                               const QueryParams& params, std::string body) const;

    [[nodiscard]] const Options& options() const noexcept;
    [[nodiscard]] const Endpoint& endpoint() const noexcept;

private:
    struct State;

    [[nodiscard]] SignedRequest trigger_request(const Channels& channels, std::string_view event,
                                                const Data& data,
                                                const TriggerParams& params) const;
    Json send(SignedRequest request);
    void send_async(SignedRequest request, Callback callback);
    std::future<Json> send_future(SignedRequest request);

    std::unique_ptr<State> state_;
};

// The process-wide client, made on first use from HERALD_URL / PUSHER_URL unless
// set_default_client() configured it. Throws ConfigurationError when neither is possible.
[[nodiscard]] std::shared_ptr<Client> default_client();

// Replaces the process-wide client; callers holding the previous one keep it until they let go.
void set_default_client(Options options);

}  // namespace herald::sdk
