#include "herald/sdk/options.h"

#include <cstdlib>

#include <gtest/gtest.h>

#include "herald/sdk/errors.h"

namespace herald::sdk {
namespace {

Options credentials() {
    Options options;
    options.app_id = "1";
    options.key = "k";
    options.secret = "s";
    return options;
}

std::string error_of(std::string_view url) {
    try {
        static_cast<void>(Options::from_url(url));
    } catch (const ConfigurationError& e) {
        return e.what();
    }
    return "no error";
}

TEST(Options, FromUrlReadsEveryPart) {
    const Options a = Options::from_url("https://key:se%2Fcret@api-eu.pusher.com/apps/123");
    EXPECT_EQ(a.key, "key");
    EXPECT_EQ(a.secret, "se/cret");
    EXPECT_EQ(a.host, "api-eu.pusher.com");
    EXPECT_EQ(a.app_id, "123");
    EXPECT_TRUE(a.use_tls);
    EXPECT_FALSE(a.port);

    const Options b = Options::from_url("HTTP://app-key:app-secret@127.0.0.1:6001/apps/app-id/");
    EXPECT_FALSE(b.use_tls);
    EXPECT_EQ(b.port, 6001);
    EXPECT_EQ(b.app_id, "app-id");
    EXPECT_EQ(resolve_endpoint(b).base_url(), "http://127.0.0.1:6001");

    const Options c = Options::from_url("http://k:s@[::1]:7000/apps/9");
    EXPECT_EQ(c.host, "[::1]");
    EXPECT_EQ(c.port, 7000);
}

TEST(Options, FromUrlNamesWhatIsWrongWithoutQuotingTheSecret) {
    EXPECT_NE(error_of("ftp://k:s@h/apps/1").find("http:// or https://"), std::string::npos);
    EXPECT_NE(error_of("http://h/apps/1").find("KEY:SECRET@"), std::string::npos);
    EXPECT_NE(error_of("http://k@h/apps/1").find("both KEY and SECRET"), std::string::npos);
    EXPECT_NE(error_of("http://:s@h/apps/1").find("KEY before ':' is empty"), std::string::npos);
    EXPECT_NE(error_of("http://k:@h/apps/1").find("SECRET after ':' is empty"), std::string::npos);
    EXPECT_NE(error_of("http://k:s@h:99999/apps/1").find("port '99999'"), std::string::npos);
    EXPECT_NE(error_of("http://k:s@h:/apps/1").find("port ''"), std::string::npos);
    EXPECT_NE(error_of("http://k:s@h/app/1").find("path must be /apps/APP_ID"), std::string::npos);
    EXPECT_NE(error_of("http://k:s@h/apps/").find("got '/apps/'"), std::string::npos);
    EXPECT_NE(error_of("http://k:s@h/apps/1/x").find("got '/apps/1/x'"), std::string::npos);
    EXPECT_NE(error_of("http://k:s@h/apps/1?x=1").find("query"), std::string::npos);
    EXPECT_NE(error_of("http://k:s@bad_host!/apps/1").find("host 'bad_host!'"), std::string::npos);
    EXPECT_NE(error_of("http://k:s@[::1/apps/1").find("closing ']'"), std::string::npos);
    EXPECT_EQ(error_of("http://k:topsecret@h/apps/").find("topsecret"), std::string::npos);
}

TEST(Options, FromEnvPrefersHeraldUrlAndNamesTheVariable) {
    ::unsetenv("HERALD_URL");  // NOLINT(concurrency-mt-unsafe)
    ::unsetenv("PUSHER_URL");  // NOLINT(concurrency-mt-unsafe)
    EXPECT_THROW(static_cast<void>(Options::from_env()), ConfigurationError);
    ::setenv("PUSHER_URL", "http://p:s@pusher.example/apps/1", 1);  // NOLINT
    EXPECT_EQ(Options::from_env().key, "p");
    ::setenv("HERALD_URL", "http://h:s@herald.example/apps/2", 1);  // NOLINT
    EXPECT_EQ(Options::from_env().key, "h");
    ::setenv("HERALD_URL", "http://h@herald.example/apps/2", 1);  // NOLINT
    try {
        static_cast<void>(Options::from_env());
        FAIL() << "no error";
    } catch (const ConfigurationError& e) {
        EXPECT_TRUE(std::string(e.what()).starts_with("HERALD_URL: invalid API URL"));
    }
    ::unsetenv("HERALD_URL");  // NOLINT(concurrency-mt-unsafe)
    ::unsetenv("PUSHER_URL");  // NOLINT(concurrency-mt-unsafe)
}

TEST(Options, EndpointRulesClusterHostTlsAndPort) {
    Options o = credentials();
    EXPECT_EQ(resolve_endpoint(o).base_url(), "https://api.pusherapp.com");
    o.cluster = "eu";
    EXPECT_EQ(resolve_endpoint(o).base_url(), "https://api-eu.pusher.com");
    o.use_tls = false;
    EXPECT_EQ(resolve_endpoint(o).base_url(), "http://api-eu.pusher.com");
    EXPECT_EQ(resolve_endpoint(o).port, 80);
    o.host = "127.0.0.1";  // wins over the cluster
    o.port = 6001;
    EXPECT_EQ(resolve_endpoint(o).base_url(), "http://127.0.0.1:6001");
    o.use_tls = true;
    EXPECT_EQ(resolve_endpoint(o).base_url(), "https://127.0.0.1:6001");
    o.port.reset();
    EXPECT_EQ(resolve_endpoint(o).port, 443);
}

TEST(Options, ConfigurationErrorsNameTheField) {
    const auto error = [](Options o) {
        try {
            static_cast<void>(resolve_endpoint(o));
        } catch (const ConfigurationError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    Options o = credentials();
    o.app_id.clear();
    EXPECT_EQ(error(o), "app_id is missing");
    o = credentials();
    o.app_id = "a/b";
    EXPECT_NE(error(o).find("app_id 'a/b'"), std::string::npos);
    o = credentials();
    o.key.clear();
    EXPECT_EQ(error(o), "key is missing");
    o = credentials();
    o.secret.clear();
    EXPECT_EQ(error(o), "secret is missing");
    o = credentials();
    o.host = "http://x";
    EXPECT_NE(error(o).find("host 'http://x'"), std::string::npos);
    o = credentials();
    o.cluster = "e u";
    EXPECT_NE(error(o).find("cluster 'e u'"), std::string::npos);
    o = credentials();
    o.port = 0;
    EXPECT_NE(error(o).find("port 0"), std::string::npos);
    o = credentials();
    o.encryption_master_key_base64 = "c2hvcnQ=";
    EXPECT_EQ(error(o), "encryption_master_key_base64 decodes to 5 bytes, it must be 32");
    o.encryption_master_key_base64 = "not base64!";
    EXPECT_EQ(error(o), "encryption_master_key_base64 is not valid base64");
    o = credentials();
    o.timeout = std::chrono::milliseconds(0);
    EXPECT_NE(error(o).find("timeout"), std::string::npos);
    o = credentials();
    o.ca_file = "/nonexistent/ca.pem";
    EXPECT_EQ(error(o), "ca_file '/nonexistent/ca.pem' cannot be read");
}

}  // namespace
}  // namespace herald::sdk
