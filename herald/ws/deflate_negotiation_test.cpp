#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "herald/ws/deflate.h"

namespace herald::ws {
namespace {

// Options that add nothing the client did not ask for, so answers show the offer's effect alone.
DeflateOptions plain_server() {
    DeflateOptions options;
    options.enabled = true;
    options.server_no_context_takeover = false;
    options.client_no_context_takeover = false;
    return options;
}

std::string answer_to(std::string_view offers, const DeflateOptions& options = plain_server()) {
    const auto agreement = negotiate_deflate(offers, options);
    return agreement ? agreement->response : "<declined>";
}

DeflateParams params(bool server_nct, bool client_nct, int server_bits, int client_bits) {
    DeflateParams p;
    p.server_no_context_takeover = server_nct;
    p.client_no_context_takeover = client_nct;
    p.server_max_window_bits = server_bits;
    p.client_max_window_bits = client_bits;
    return p;
}

TEST(NegotiateDeflate, AcceptsABareOffer) {
    const auto agreement = negotiate_deflate("permessage-deflate", plain_server());
    ASSERT_TRUE(agreement.has_value());
    EXPECT_EQ(agreement->response, "permessage-deflate");
    EXPECT_EQ(agreement->params, params(false, false, 15, 15));
}

TEST(NegotiateDeflate, AnswersChromiumsOfferWithoutAClientWindowByDefault) {
    // What Chromium and the Node `ws` client send by default.
    const auto agreement =
            negotiate_deflate("permessage-deflate; client_max_window_bits", plain_server());
    ASSERT_TRUE(agreement.has_value());
    EXPECT_EQ(agreement->response, "permessage-deflate");
    EXPECT_EQ(agreement->params, params(false, false, 15, 15));
}

TEST(NegotiateDeflate, DefaultOptionsTurnOffContextTakeoverBothWays) {
    DeflateOptions options;
    options.enabled = true;
    const auto agreement = negotiate_deflate("permessage-deflate; client_max_window_bits", options);
    ASSERT_TRUE(agreement.has_value());
    EXPECT_EQ(agreement->response,
              "permessage-deflate; server_no_context_takeover; client_no_context_takeover");
    EXPECT_EQ(agreement->params, params(true, true, 15, 15));
}

TEST(NegotiateDeflate, DeclinesWhenDisabledOrNotOffered) {
    DeflateOptions disabled = plain_server();
    disabled.enabled = false;
    EXPECT_FALSE(negotiate_deflate("permessage-deflate", disabled).has_value());
    EXPECT_FALSE(negotiate_deflate("", plain_server()).has_value());
    EXPECT_FALSE(negotiate_deflate("x-webkit-deflate-frame", plain_server()).has_value());
    EXPECT_FALSE(negotiate_deflate("permessage-deflater, deflate", plain_server()).has_value());
}

TEST(NegotiateDeflate, FindsTheOfferAmongOtherExtensions) {
    EXPECT_EQ(answer_to("x-webkit-deflate-frame, permessage-deflate; client_max_window_bits"),
              "permessage-deflate");
    EXPECT_EQ(answer_to(" , Permessage-Deflate ;  Server_No_Context_Takeover "),
              "permessage-deflate; server_no_context_takeover");
}

TEST(NegotiateDeflate, HonoursOfferedServerWindow) {
    const auto agreement =
            negotiate_deflate("permessage-deflate; server_max_window_bits=10", plain_server());
    ASSERT_TRUE(agreement.has_value());
    EXPECT_EQ(agreement->response, "permessage-deflate; server_max_window_bits=10");
    EXPECT_EQ(agreement->params.server_max_window_bits, 10);
    // The answer is never larger than the offer, and a smaller own limit wins.
    DeflateOptions small = plain_server();
    small.server_max_window_bits = 9;
    EXPECT_EQ(answer_to("permessage-deflate; server_max_window_bits=12", small),
              "permessage-deflate; server_max_window_bits=9");
    EXPECT_EQ(answer_to("permessage-deflate; server_max_window_bits=15"),
              "permessage-deflate; server_max_window_bits=15");
}

TEST(NegotiateDeflate, AnnouncesASmallerServerWindowUnasked) {
    DeflateOptions small = plain_server();
    small.server_max_window_bits = 11;
    const auto agreement = negotiate_deflate("permessage-deflate", small);
    ASSERT_TRUE(agreement.has_value());
    EXPECT_EQ(agreement->response, "permessage-deflate; server_max_window_bits=11");
    EXPECT_EQ(agreement->params.server_max_window_bits, 11);
    small.server_max_window_bits = 8;  // below what zlib can do: treated as 9
    EXPECT_EQ(answer_to("permessage-deflate", small),
              "permessage-deflate; server_max_window_bits=9");
}

TEST(NegotiateDeflate, SkipsAnOfferDemandingAnEightBitServerWindow) {
    EXPECT_EQ(answer_to("permessage-deflate; server_max_window_bits=8"), "<declined>");
    EXPECT_EQ(answer_to("permessage-deflate; server_max_window_bits=8, permessage-deflate; "
                        "server_max_window_bits=9"),
              "permessage-deflate; server_max_window_bits=9");
}

TEST(NegotiateDeflate, LimitsTheClientWindowOnlyWhenOffered) {
    DeflateOptions small = plain_server();
    small.client_max_window_bits = 10;
    EXPECT_EQ(answer_to("permessage-deflate", small), "permessage-deflate");
    EXPECT_EQ(negotiate_deflate("permessage-deflate", small)->params.client_max_window_bits, 15);
    const auto agreement = negotiate_deflate("permessage-deflate; client_max_window_bits", small);
    ASSERT_TRUE(agreement.has_value());
    EXPECT_EQ(agreement->response, "permessage-deflate; client_max_window_bits=10");
    EXPECT_EQ(agreement->params.client_max_window_bits, 10);
}

TEST(NegotiateDeflate, ConfirmsTheClientsOwnWindowLimit) {
    EXPECT_EQ(answer_to("permessage-deflate; client_max_window_bits=12"),
              "permessage-deflate; client_max_window_bits=12");
    DeflateOptions small = plain_server();
    small.client_max_window_bits = 10;
    EXPECT_EQ(answer_to("permessage-deflate; client_max_window_bits=12", small),
              "permessage-deflate; client_max_window_bits=10");
    EXPECT_EQ(answer_to("permessage-deflate; client_max_window_bits=9", small),
              "permessage-deflate; client_max_window_bits=9");
    // The answer may never exceed the client's own value, even one zlib cannot deflate with; our
    // own limit never goes below 9.
    EXPECT_EQ(answer_to("permessage-deflate; client_max_window_bits=8"),
              "permessage-deflate; client_max_window_bits=8");
    small.client_max_window_bits = 8;
    EXPECT_EQ(answer_to("permessage-deflate; client_max_window_bits", small),
              "permessage-deflate; client_max_window_bits=9");
}

TEST(NegotiateDeflate, EchoesNoContextTakeoverThatWasOffered) {
    const auto agreement = negotiate_deflate(
            "permessage-deflate; client_no_context_takeover; server_no_context_takeover",
            plain_server());
    ASSERT_TRUE(agreement.has_value());
    EXPECT_EQ(agreement->response,
              "permessage-deflate; server_no_context_takeover; client_no_context_takeover");
    EXPECT_EQ(agreement->params, params(true, true, 15, 15));
}

TEST(NegotiateDeflate, AcceptsQuotedValues) {
    EXPECT_EQ(
            answer_to(
                    R"(permessage-deflate; server_max_window_bits="10"; client_max_window_bits = "11")"),
            "permessage-deflate; server_max_window_bits=10; client_max_window_bits=11");
    EXPECT_EQ(answer_to(R"(permessage-deflate; server_max_window_bits="1\0")"),
              "permessage-deflate; server_max_window_bits=10");
}

TEST(NegotiateDeflate, SkipsInvalidOffersAndTakesTheNextValidOne) {
    const std::string fallback = ", permessage-deflate; client_max_window_bits=12";
    const std::string expected = "permessage-deflate; client_max_window_bits=12";
    for (const std::string invalid : {
                 "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
                 "permessage-deflate; client_max_window_bits=10; Client_Max_Window_Bits=11",
                 "permessage-deflate; mystery",
                 "permessage-deflate; server_max_window_bits=16",
                 "permessage-deflate; server_max_window_bits=7",
                 "permessage-deflate; server_max_window_bits=010",
                 "permessage-deflate; server_max_window_bits=1a",
                 "permessage-deflate; server_max_window_bits=+9",
                 "permessage-deflate; server_max_window_bits=",
                 "permessage-deflate; server_max_window_bits",
                 "permessage-deflate; client_max_window_bits=0",
                 "permessage-deflate; client_max_window_bits=100",
                 "permessage-deflate; server_no_context_takeover=1",
                 "permessage-deflate; client_no_context_takeover=\"\"",
                 "permessage-deflate; server_max_window_bits=\"1 0\"",
                 "permessage-deflate; ; client_max_window_bits",
                 "permessage-deflate; =10",
                 "permessage-deflate; server_max_window_bits=10 11",
         }) {
        EXPECT_EQ(answer_to(invalid), "<declined>") << invalid;
        EXPECT_EQ(answer_to(invalid + fallback), expected) << invalid;
    }
}

TEST(NegotiateDeflate, DeclinesAnUnterminatedQuote) {
    EXPECT_EQ(answer_to(R"(permessage-deflate; server_max_window_bits="10, permessage-deflate)"),
              "<declined>");
}

TEST(NegotiateDeflate, AnswersWhatTheNodeWsClientOffers) {
    // The Node `ws` client's default offer, and one with every option set.
    EXPECT_EQ(answer_to("permessage-deflate; client_max_window_bits"), "permessage-deflate");
    EXPECT_EQ(
            answer_to("permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                      "server_max_window_bits=10; client_max_window_bits=10"),
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
            "server_max_window_bits=10; client_max_window_bits=10");
}

TEST(MakeDeflateOffer, OffersContextTakeoverChoicesAndWindows) {
    EXPECT_EQ(make_deflate_offer(plain_server()), "permessage-deflate; client_max_window_bits");
    DeflateOptions defaults;
    EXPECT_EQ(make_deflate_offer(defaults),
              "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
              "client_max_window_bits");
    DeflateOptions small = plain_server();
    small.server_max_window_bits = 10;
    small.client_max_window_bits = 8;  // zlib cannot deflate with 8: offered as 9
    EXPECT_EQ(make_deflate_offer(small),
              "permessage-deflate; server_max_window_bits=10; client_max_window_bits=9");
}

TEST(MakeDeflateOffer, IsAcceptedByOurOwnServer) {
    DeflateOptions client = plain_server();
    client.server_max_window_bits = 12;
    client.client_no_context_takeover = true;
    const auto agreement = negotiate_deflate(make_deflate_offer(client), plain_server());
    ASSERT_TRUE(agreement.has_value());
    const auto accepted = accept_deflate_response(agreement->response, client);
    ASSERT_TRUE(accepted.has_value());
    EXPECT_EQ(*accepted, agreement->params);
}

TEST(AcceptDeflateResponse, AcceptsAPlainAnswer) {
    const auto accepted = accept_deflate_response("permessage-deflate", plain_server());
    ASSERT_TRUE(accepted.has_value());
    EXPECT_EQ(*accepted, params(false, false, 15, 15));
}

TEST(AcceptDeflateResponse, TakesTheServersChoices) {
    const auto accepted = accept_deflate_response(
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
            "server_max_window_bits=8; client_max_window_bits=9",
            plain_server());
    ASSERT_TRUE(accepted.has_value());
    EXPECT_EQ(*accepted, params(true, true, 8, 9));
}

TEST(AcceptDeflateResponse, KeepsOurOwnPromises) {
    DeflateOptions offered = plain_server();
    offered.client_no_context_takeover = true;
    offered.client_max_window_bits = 11;
    const auto accepted = accept_deflate_response("permessage-deflate", offered);
    ASSERT_TRUE(accepted.has_value());
    EXPECT_EQ(*accepted, params(false, true, 15, 11));
}

TEST(AcceptDeflateResponse, RequiresWhatWeAskedOfTheServer) {
    DeflateOptions offered = plain_server();
    offered.server_no_context_takeover = true;
    offered.server_max_window_bits = 10;
    EXPECT_FALSE(accept_deflate_response("permessage-deflate; server_max_window_bits=10", offered));
    EXPECT_FALSE(
            accept_deflate_response("permessage-deflate; server_no_context_takeover", offered));
    EXPECT_FALSE(accept_deflate_response(
            "permessage-deflate; server_no_context_takeover; server_max_window_bits=11", offered));
    const auto accepted = accept_deflate_response(
            "permessage-deflate; server_no_context_takeover; server_max_window_bits=9", offered);
    ASSERT_TRUE(accepted.has_value());
    EXPECT_EQ(*accepted, params(true, false, 9, 15));
}

TEST(AcceptDeflateResponse, RejectsABadClientWindow) {
    DeflateOptions offered = plain_server();
    offered.client_max_window_bits = 10;
    EXPECT_TRUE(accept_deflate_response("permessage-deflate; client_max_window_bits=10", offered));
    EXPECT_FALSE(accept_deflate_response("permessage-deflate; client_max_window_bits=11", offered));
    EXPECT_FALSE(accept_deflate_response("permessage-deflate; client_max_window_bits", offered));
    EXPECT_FALSE(accept_deflate_response("permessage-deflate; client_max_window_bits=8",
                                         plain_server()));
}

TEST(AcceptDeflateResponse, RejectsMalformedAnswers) {
    for (const std::string bad : {
                 "",
                 "permessage-deflate, permessage-deflate",
                 "x-webkit-deflate-frame",
                 "permessage-deflate; mystery",
                 "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
                 "permessage-deflate; server_max_window_bits=16",
                 "permessage-deflate; server_max_window_bits=09",
                 "permessage-deflate; server_max_window_bits",
                 "permessage-deflate; client_no_context_takeover=yes",
                 "permessage-deflate; server_max_window_bits=\"10",
         }) {
        EXPECT_FALSE(accept_deflate_response(bad, plain_server()).has_value()) << bad;
    }
}

}  // namespace
}  // namespace herald::ws
