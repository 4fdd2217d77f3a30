#include "herald/cli/client_commands.h"

#include <array>
#include <cstddef>
#include <span>

#include <CLI/CLI.hpp>

#include "herald/cli/client_output.h"
#include "herald/sdk/client.h"
#include "herald/util/base64.h"
#include "herald/util/digest.h"
#include "herald/util/random.h"

namespace herald::cli {

namespace {

constexpr int kServerError = 1;
constexpr int kUsageError = 2;

std::string random_bytes(std::size_t count) {
    std::string bytes(count, '\0');
    util::random_bytes(std::as_writable_bytes(std::span(bytes.data(), bytes.size())));
    return bytes;
}

std::string keygen_text(bool pretty) {
    const GeneratedApp app = generate_app();
    if (!pretty) {
        return sdk::Json::object({{"app_id", app.app_id},
                                  {"key", app.key},
                                  {"secret", app.secret},
                                  {"encryption_master_key_base64", app.master_key_base64}})
                       .dump() +
               "\n";
    }
    return "# for herald.toml\n[[apps]]\nid = \"" + app.app_id + "\"\nkey = \"" + app.key +
           "\"\nsecret = \"" + app.secret +
           "\"\n\n# for the application server (herald::sdk or a pusher SDK)\nHERALD_URL=http://" +
           app.key + ":" + app.secret + "@127.0.0.1:6001/apps/" + app.app_id +
           "\nencryption master key (base64): " + app.master_key_base64 + "\n";
}

}  // namespace

GeneratedApp generate_app() {
    const std::string id_bytes = random_bytes(8);
    std::uint64_t id = 0;
    for (const char c : id_bytes) {
        id = (id << 8U) | static_cast<unsigned char>(c);
    }
    return {std::to_string(1'000'000 + id % 9'000'000), util::to_hex(random_bytes(10)),
            util::to_hex(random_bytes(10)), util::base64_encode(random_bytes(32))};
}

CLI::App* ClientCommands::add(CLI::App& parent, const std::string& name, const std::string& help) {
    CLI::App* command = parent.add_subcommand(name, help);
    command->add_flag("--pretty", args_.pretty, "A readable table instead of JSON");
    return command;
}

ClientCommands::ClientCommands(CLI::App& parent) {
    auto& a = args_;
    trigger_ = add(parent, "trigger",
                   "Send an event to channels through the REST API: CHANNEL... EVENT DATA");
    // One positional list, split in trigger(): CLI11 cannot end a list of positionals with
    // fixed ones when options follow them. A comma belongs to a channel name, as in Pusher.
    trigger_->add_option("CHANNEL", a.trigger_words,
                         "1 to 100 channel names, then the event name and the data (sent as it "
                         "is, usually JSON)")
            ->required()
            ->type_name("... EVENT DATA");
    trigger_->add_option("--socket-id", a.socket_id_flag, "Do not deliver to this connection");
    trigger_->add_option("--info", a.info, "Attributes to return, e.g. subscription_count");

    channels_ = add(parent, "channels", "List occupied channels");
    channels_->add_option("--prefix", a.prefix, "Only channels starting with this");
    channels_->add_option("--info", a.info, "Attributes, e.g. user_count (presence- prefix)");

    channel_ = add(parent, "channel", "Show one channel's state");
    channel_->add_option("NAME", a.channel, "Channel name")->required();
    channel_->add_option("--info", a.info, "Attributes (default user_count,subscription_count)");

    users_ = add(parent, "users", "List the users in a presence channel");
    users_->add_option("NAME", a.channel, "Presence channel name")->required();

    auth_ = add(parent, "auth", "Print the authorization JSON a client needs to subscribe");
    auth_->add_option("CHANNEL", a.channel, "private-, presence- or private-encrypted- channel")
            ->required();
    auth_->add_option("SOCKET_ID", a.socket_id, "The connection's socket id")->required();
    auth_->add_option("--user-id", a.user_id, "Presence channels: the member's user id");
    auth_->add_option("--user-info", a.user_info, "Presence channels: the member's info (JSON)");

    keygen_ = add(parent, "keygen", "Print new app credentials and an encryption master key");
    for (CLI::App* command : {trigger_, channels_, channel_, users_, auth_}) {
        add_credential_flags(*command, credentials_);
    }
}

std::string ClientCommands::execute(const std::string& command, const Environment& env) const {
    const auto& a = args_;
    if (command == "keygen") {
        return keygen_text(a.pretty);
    }
    sdk::Client client(api_options(credentials_, env));
    if (command == "auth") {
        std::optional<sdk::PresenceMember> member;
        if (a.user_id) {
            member = sdk::PresenceMember{
                    *a.user_id, a.user_info ? sdk::Json::parse(*a.user_info) : sdk::Json()};
        } else if (a.user_info) {
            throw sdk::Error("--user-info needs --user-id");
        }
        const auto auth = member ? client.authenticate(a.channel, a.socket_id, *member)
                                 : client.authenticate(a.channel, a.socket_id);
        const sdk::Json answer = sdk::Json::parse(auth.json());
        return (a.pretty ? key_value_lines(answer) : auth.json() + "\n");
    }
    if (command == "trigger") {
        return trigger(client);
    }
    sdk::Json answer;
    if (command == "channels") {
        answer = client.channels({a.prefix, a.info});
        if (a.pretty) {
            return channels_table(answer);
        }
    } else if (command == "channel") {
        answer = client.channel_info(a.channel, a.info);
        if (a.pretty) {
            return key_value_lines(answer);
        }
    } else {
        answer = client.channel_users(a.channel);
        if (a.pretty) {
            return user_lines(answer);
        }
    }
    return answer.dump() + "\n";
}

std::string ClientCommands::trigger(sdk::Client& client) const {
    const auto& a = args_;
    const std::vector<std::string>& words = a.trigger_words;
    if (words.size() < 3) {
        throw sdk::Error(
                "give CHANNEL... EVENT DATA: at least one channel, then the event name "
                "and the data");
    }
    const std::vector<std::string> channels(words.begin(), words.end() - 2);
    const std::string& event = words[words.size() - 2];
    const sdk::Json answer =
            client.trigger(channels, event, words.back(), {a.socket_id_flag, a.info});
    if (!a.pretty) {
        return answer.dump() + "\n";
    }
    std::string names;
    for (const std::string& channel : channels) {
        names += (names.empty() ? "" : ", ") + channel;
    }
    return "sent " + event + " to " + names + "\n" +
           (answer.find("channels") != nullptr ? channels_table(answer) : "");
}

std::optional<int> ClientCommands::run(const Environment& env, std::FILE* out,
                                       std::FILE* err) const {
    std::string chosen;
    for (CLI::App* command : {trigger_, channels_, channel_, users_, auth_, keygen_}) {
        if (command->parsed()) {
            chosen = command->get_name();
        }
    }
    if (chosen.empty()) {
        return std::nullopt;
    }
    try {
        const std::string text = execute(chosen, env);
        std::fputs(text.c_str(), out);
        return 0;
    } catch (const sdk::HttpError& e) {
        std::fprintf(err, "herald %s: %s\n", chosen.c_str(), e.what());
    } catch (const sdk::NetworkError& e) {
        std::fprintf(err, "herald %s: %s\n", chosen.c_str(), e.what());
    } catch (const sdk::Error& e) {
        std::fprintf(err, "herald %s: %s\n", chosen.c_str(), e.what());
        return kUsageError;
    }
    return kServerError;
}

}  // namespace herald::cli
