#include "herald/cli/api_credentials.h"

#include <CLI/CLI.hpp>

#include "herald/cli/config_values.h"
#include "herald/sdk/errors.h"

namespace herald::cli {

namespace {

constexpr const char* kGroup = "API (flags win over HERALD_URL, then PUSHER_URL)";

std::optional<std::string> from_env(const Environment& env, const char* name) {
    const auto it = env.find(name);
    if (it == env.end() || it->second.empty()) {
        return std::nullopt;
    }
    return it->second;
}

// The URL's options and which variable (or flag) it came from, or defaults.
sdk::Options base_options(const CredentialFlags& flags, const Environment& env) {
    std::optional<std::string> url = flags.url;
    std::string source = "--url";
    for (const char* name : {"HERALD_URL", "PUSHER_URL"}) {
        if (!url && (url = from_env(env, name))) {
            source = name;
        }
    }
    if (!url) {
        return {};
    }
    try {
        return sdk::Options::from_url(*url);
    } catch (const sdk::ConfigurationError& e) {
        throw sdk::ConfigurationError(source + ": " + e.what());
    }
}

// A flag's number, read by the configuration's parsers (config_values.h), whose errors become
// the SDK's configuration errors like every other problem with the credentials.
template <typename Parse>
auto number_flag(Parse parse) {
    try {
        return parse();
    } catch (const ConfigError& e) {
        throw sdk::ConfigurationError(e.what());
    }
}

}  // namespace

void add_credential_flags(CLI::App& command, CredentialFlags& flags) {
    const auto text = [&command](const std::string& names, std::optional<std::string>& target,
                                 const std::string& help) {
        command.add_option_function<std::string>(
                       names, [&target](const std::string& v) { target = v; }, help)
                ->group(kGroup);
    };
    text("--url", flags.url, "http(s)://KEY:SECRET@HOST[:PORT]/apps/APP_ID");
    text("--app-id", flags.app_id, "App id");
    text("--key", flags.key, "App key");
    text("--secret", flags.secret, "App secret");
    text("--host", flags.host, "API host (wins over --cluster)");
    text("--port", flags.port, "API port (default 443 with TLS, 80 without)");
    text("--cluster", flags.cluster, "Hosted Pusher cluster: api-CLUSTER.pusher.com");
    text("--timeout", flags.timeout_seconds, "Seconds to wait for an answer (default 10)");
    text("--proxy", flags.proxy, "HTTP proxy URL");
    text("--ca-file", flags.ca_file, "PEM file of the CA that signed the server's certificate");
    text("--encryption-master-key", flags.master_key,
         "Base64 master key for private-encrypted- channels");
    command.add_flag_function(
                   "--tls", [&flags](std::int64_t) { flags.use_tls = true; }, "Use https")
            ->group(kGroup);
    command.add_flag_function(
                   "--no-tls", [&flags](std::int64_t) { flags.use_tls = false; }, "Use plain http")
            ->group(kGroup);
    command.add_flag("--insecure", flags.insecure, "Do not check the server's TLS certificate")
            ->group(kGroup);
}

sdk::Options api_options(const CredentialFlags& flags, const Environment& env) {
    sdk::Options options = base_options(flags, env);
    const auto apply = [](const std::optional<std::string>& given, std::string& target) {
        if (given) {
            target = *given;
        }
    };
    apply(flags.app_id, options.app_id);
    apply(flags.key, options.key);
    apply(flags.secret, options.secret);
    apply(flags.host, options.host);
    apply(flags.cluster, options.cluster);
    apply(flags.proxy, options.proxy);
    apply(flags.ca_file, options.ca_file);
    apply(flags.master_key, options.encryption_master_key_base64);
    if (flags.port) {
        options.port = number_flag([&] { return parse_port(*flags.port, "--port"); });
    }
    if (flags.use_tls) {
        options.use_tls = *flags.use_tls;
    }
    if (flags.timeout_seconds) {
        options.timeout =
                number_flag([&] { return parse_seconds(*flags.timeout_seconds, "--timeout"); });
    }
    options.verify_tls = !flags.insecure;
    if (options.app_id.empty() && options.key.empty() && options.secret.empty()) {
        throw sdk::ConfigurationError(
                "no app credentials: give --url (or --app-id, --key, --secret), or set HERALD_URL "
                "to http://KEY:SECRET@HOST:PORT/apps/APP_ID");
    }
    static_cast<void>(sdk::resolve_endpoint(options));  // reports the first problem
    return options;
}

}  // namespace herald::cli
