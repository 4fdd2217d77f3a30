#include "herald/cli/listen_command.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "herald/cli/api_credentials.h"
#include "herald/cli/listen_output.h"
#include "herald/sdk/auth.h"
#include "herald/sdk/encryption.h"
#include "herald/sdk/errors.h"
#include "herald/sdk/json.h"

namespace herald::cli {

namespace {

// What signs like the application's server would, with the secret of the API URL.
struct LocalKeys {
    std::string key;
    std::string secret;
    std::optional<std::string> master_key;  // 32 raw bytes, for encrypted channels
};

client::Authorizer local_signer(LocalKeys keys, std::optional<std::string> user_id,
                                std::string user_info) {
    return [keys = std::move(keys), user_id = std::move(user_id), user_info = std::move(user_info)](
                   std::string_view socket_id, std::string_view channel) -> client::AuthResult {
        std::optional<sdk::PresenceMember> member;
        if (channel.starts_with("presence-")) {
            member = sdk::PresenceMember{user_id.value_or(std::string(socket_id)),
                                         sdk::Json::parse(user_info)};
        }
        const sdk::SigningKeys signing{keys.key, keys.secret, keys.master_key};
        return sdk::authenticate_channel(signing, channel, socket_id, member).json();
    };
}

// The sign-in's user_data: {"id", "user_info", "watchlist"?} (protocol.md §4.11, §4.13).
client::UserAuthenticator local_user_signer(LocalKeys keys, std::string user_id,
                                            std::string user_info,
                                            std::vector<std::string> watchlist) {
    auto user_data = sdk::Json::object(
            {{"id", std::move(user_id)}, {"user_info", sdk::Json::parse(user_info)}});
    if (!watchlist.empty()) {
        sdk::Json ids = sdk::Json::array();
        for (auto& id : watchlist) {
            ids.push_back(std::move(id));
        }
        user_data.set("watchlist", std::move(ids));
    }
    return [keys = std::move(keys),
            user_data = std::move(user_data)](std::string_view socket_id) -> client::AuthResult {
        return sdk::authenticate_user({keys.key, keys.secret, std::nullopt}, socket_id, user_data)
                .json();
    };
}

// K:V flags as header pairs.
util::Result<std::vector<std::pair<std::string, std::string>>, std::string> header_pairs(
        const std::vector<std::string>& headers) {
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const auto& header : headers) {
        const auto colon = header.find(':');
        if (colon == std::string::npos || colon == 0) {
            return util::unexpected("--auth-header \"" + header + "\": expected NAME:VALUE");
        }
        std::string value = header.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        pairs.emplace_back(header.substr(0, colon), std::move(value));
    }
    return pairs;
}

}  // namespace

ListenCommand::ListenCommand(CLI::App& parent) {
    auto& a = args_;
    command_ = parent.add_subcommand("listen", "Print the events of channels as they arrive");
    command_->add_option("CHANNEL", a.channels, "Channels to subscribe to");
    command_->add_option("--ws-url", a.ws_url,
                         "ws[s]://HOST:PORT/app/KEY (default: from --url, HERALD_URL or "
                         "PUSHER_URL)");
    command_->add_option("--url", a.url,
                         "http(s)://KEY:SECRET@HOST[:PORT]/apps/APP_ID (signs private and "
                         "presence channels locally)");
    command_->add_option("--auth-endpoint", a.auth_endpoint,
                         "The application's auth endpoint for private and presence channels");
    command_->add_option("--auth-header", a.auth_headers,
                         "K:V, a header for the auth endpoint (repeatable)")
            ->allow_extra_args(false);  // one value each time, so channels may follow
    command_->add_option("--user-id", a.user_id, "Presence: the user id signed locally");
    command_->add_option("--user-info", a.user_info, "Presence: the user info (JSON)");
    command_->add_option("--encryption-master-key", a.master_key,
                         "Base64 master key: signs private-encrypted- channels locally");
    command_->add_flag("--signin", a.signin,
                       "Sign in (as --user-id, or through --user-auth-endpoint) and print the "
                       "user's events and its watchlist's");
    command_->add_option("--user-auth-endpoint", a.user_auth_endpoint,
                         "The application's user authentication endpoint (implies --signin)");
    command_->add_option("--watchlist", a.watchlist,
                         "--signin signed locally: a user id to watch (repeatable)")
            ->allow_extra_args(false);
    command_->add_option("--event", a.event, "Only this event");
    command_->add_option("--count", a.count, "Exit 0 after this many events")
            ->check(CLI::PositiveNumber);
    command_->add_option("--timeout", a.timeout,
                         "Exit 1 when this many seconds pass without an event")
            ->check(CLI::PositiveNumber);
    command_->add_option("--ca-file", a.ca_file, "PEM file of the CA that signed the certificate");
    command_->add_flag("--insecure", a.insecure, "Do not check the server's TLS certificate");
    command_->add_flag("--pretty", a.pretty, "A readable line per event instead of JSON");
}

bool ListenCommand::chosen() const {
    return command_->parsed();
}

util::Result<ListenSettings, std::string> ListenCommand::settings(const Environment& env) const {
    const auto& a = args_;
    ListenSettings s;
    s.channels = a.channels;
    s.event = a.event;
    s.count = a.count;
    s.timeout_seconds = a.timeout;
    s.pretty = a.pretty;
    s.signin = a.signin || a.user_auth_endpoint.has_value();
    if (s.channels.empty() && !s.signin) {
        return util::unexpected(std::string("give at least one CHANNEL (or --signin)"));
    }

    // The API URL: the key, host and port when there is no --ws-url, and the secret to sign.
    std::optional<sdk::Options> api;
    std::string api_error;
    try {
        CredentialFlags flags;
        flags.url = a.url;
        api = api_options(flags, env);
    } catch (const std::exception& e) {
        api_error = e.what();
    }
    auto& o = s.client;
    if (a.ws_url) {
        auto target = parse_ws_url(*a.ws_url);
        if (!target) {
            return util::unexpected(target.error());
        }
        o.host = target->host;
        o.port = target->port;
        o.tls = target->tls;
        o.path_prefix = target->path_prefix;
        o.key = target->key;
    } else if (api) {
        o.host = api->host.empty() ? std::string("127.0.0.1") : api->host;
        if (o.host.starts_with('[') && o.host.ends_with(']')) {
            o.host = o.host.substr(1, o.host.size() - 2);
        }
        o.tls = api->use_tls;
        o.port = api->port.value_or(api->use_tls ? 443 : 80);
        o.key = api->key;
    } else {
        return util::unexpected(
                "no server to listen to: give --ws-url ws://HOST:PORT/app/KEY, or "
                "--url / HERALD_URL (" +
                api_error + ")");
    }
    o.verify_tls = !a.insecure;
    o.ca_file = a.ca_file.value_or(api ? api->ca_file : std::string());

    if (a.user_info) {
        try {
            static_cast<void>(sdk::Json::parse(*a.user_info));
        } catch (const std::exception& e) {
            return util::unexpected("--user-info is not JSON: " + std::string(e.what()));
        }
    }
    std::optional<std::string> master_key;
    if (a.master_key) {
        master_key = sdk::decode_master_key(*a.master_key);
        if (!master_key) {
            return util::unexpected(
                    std::string("--encryption-master-key is not 32 bytes of base64"));
        }
    }
    auto headers = header_pairs(a.auth_headers);
    if (!headers) {
        return util::unexpected(headers.error());
    }
    const bool local = api && !api->secret.empty() && api->key == o.key;
    const LocalKeys keys{o.key, local ? api->secret : "", master_key};
    if (a.auth_endpoint) {
        o.auth_endpoint = *a.auth_endpoint;
        o.auth_headers = *headers;
        if (a.user_id) {
            o.auth_params.emplace_back("user_id", *a.user_id);
        }
    } else if (local) {
        o.authorizer = local_signer(keys, a.user_id, a.user_info.value_or("{}"));
    }
    for (const auto& channel : s.channels) {
        const bool needs_auth = channel.starts_with("private-") || channel.starts_with("presence-");
        if (needs_auth && !o.authorizer && o.auth_endpoint.empty()) {
            return util::unexpected(channel +
                                    " needs an authorization: give --auth-endpoint, or "
                                    "an API URL with the app's secret (--url or "
                                    "HERALD_URL)");
        }
        if (channel.starts_with("private-encrypted-") && o.authorizer && !master_key) {
            return util::unexpected(channel +
                                    " is encrypted: give --encryption-master-key to sign it "
                                    "locally, or --auth-endpoint");
        }
    }
    if (!s.signin) {
        return s;
    }
    if (a.user_auth_endpoint) {
        o.user_auth_endpoint = *a.user_auth_endpoint;
        o.user_auth_headers = *headers;
        if (a.user_id) {
            o.user_auth_params.emplace_back("user_id", *a.user_id);
        }
    } else if (local && a.user_id) {
        o.user_authenticator =
                local_user_signer(keys, *a.user_id, a.user_info.value_or("{}"), a.watchlist);
    } else {
        return util::unexpected(std::string(
                "--signin needs --user-auth-endpoint, or --user-id with an API URL that gives "
                "the app's secret"));
    }
    return s;
}

int ListenCommand::run(const Environment& env, std::FILE* out, std::FILE* err) const {
    auto settings_or = settings(env);
    if (!settings_or) {
        std::fprintf(err, "herald listen: %s\n", settings_or.error().c_str());
        return kListenUsage;
    }
    ListenSettings s = std::move(*settings_or);

    std::mutex mutex;
    std::condition_variable wake;
    std::optional<int> status;
    std::uint64_t seen = 0;
    auto last = std::chrono::steady_clock::now();
    std::string last_error;
    const auto finish = [&](int code, const std::string& message) {
        const std::lock_guard lock(mutex);
        if (status) {
            return;
        }
        if (!message.empty()) {
            std::fprintf(err, "herald listen: %s\n", message.c_str());
        }
        status = code;
        wake.notify_all();
    };

    client::Client pusher(s.client);
    pusher.on_error([&](const client::Event& event) {
        const std::lock_guard lock(mutex);
        last_error = event.data;
    });
    pusher.on_state_change([&](client::State, client::State current) {
        if (current == client::State::Failed) {
            std::string why;
            {
                const std::lock_guard lock(mutex);
                why = last_error;
            }
            finish(kListenTimedOut,
                   "the server refused the connection" + (why.empty() ? "" : ": " + why));
        }
    });
    for (const auto& name : s.channels) {
        try {
            auto channel = pusher.subscribe(name);
            channel.bind("pusher:subscription_error", [&, name](const client::Event& event) {
                finish(kListenRefused,
                       "the subscription to " + name + " was refused: " + event.data);
            });
        } catch (const std::invalid_argument& e) {
            std::fprintf(err, "herald listen: %s\n", e.what());
            return kListenUsage;
        }
    }
    const auto print = [&](const client::Event& event) {
        if (event.event == "pusher:decryption_error") {
            const std::lock_guard lock(mutex);
            std::fprintf(err, "herald listen: %s: %s\n", event.channel.c_str(), event.data.c_str());
            return;
        }
        if (!is_listened_event(event) || (s.event && event.event != *s.event)) {
            return;
        }
        const std::string line = listen_line(event, s.pretty);
        const std::lock_guard lock(mutex);
        if (status) {
            return;
        }
        std::fwrite(line.data(), 1, line.size(), out);
        std::fflush(out);
        last = std::chrono::steady_clock::now();
        if (s.count && ++seen >= *s.count) {
            status = 0;
            wake.notify_all();
        }
    };
    pusher.bind_global(print);
    if (s.signin) {
        auto user = pusher.user();
        user.bind("pusher:signin_error", [&](const client::Event& event) {
            finish(kListenRefused, "the sign-in was refused: " + event.data);
        });
        user.bind_global(print);
        user.bind_watchlist("online", print);
        user.bind_watchlist("offline", print);
        pusher.signin();
    }
    pusher.connect();

    std::unique_lock lock(mutex);
    while (!status) {
        if (!s.timeout_seconds) {
            wake.wait(lock);
            continue;
        }
        const auto deadline =
                last + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                               std::chrono::duration<double>(*s.timeout_seconds));
        if (wake.wait_until(lock, deadline) == std::cv_status::timeout && !status &&
            std::chrono::steady_clock::now() >=
                    last + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<double>(*s.timeout_seconds))) {
            std::fprintf(err, "herald listen: %g seconds without an event\n", *s.timeout_seconds);
            status = kListenTimedOut;
        }
    }
    return *status;
}

}  // namespace herald::cli
