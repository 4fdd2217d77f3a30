#include "herald/sdk/json.h"

#include <gtest/gtest.h>

#include "herald/sdk/errors.h"

namespace herald::sdk {
namespace {

TEST(Json, DumpsCompactlyInInsertionOrderLikeJsonStringify) {
    const Json value = Json::object({{"z", 1},
                                     {"a", Json::array({true, false, nullptr, -2, 1.5})},
                                     {"s", "quote\" back\\ nl\n ctl\x01 é"},
                                     {"o", Json::object()},
                                     {"u", std::uint64_t{18446744073709551615ULL}}});
    EXPECT_EQ(
            value.dump(),
            R"({"z":1,"a":[true,false,null,-2,1.5],"s":"quote\" back\\ nl\n ctl\u0001 é","o":{},"u":18446744073709551615})");
    Json built;
    built.set("b", 1).set("a", 2).set("b", 3);
    EXPECT_EQ(built.dump(), R"({"b":3,"a":2})");
    Json list;
    list.push_back("x").push_back(Json::array());
    EXPECT_EQ(list.dump(), R"(["x",[]])");
}

TEST(Json, ParsesAndReadsBack) {
    const Json v = Json::parse(R"( {"n":-5,"big":18446744073709551615,"d":0.25,"s":"\u00e9",
                                    "a":[1,{"k":null}],"t":true} )");
    EXPECT_EQ(v["n"].as_int(), -5);
    EXPECT_EQ(v["big"].as_uint(), 18446744073709551615ULL);
    EXPECT_THROW(static_cast<void>(v["big"].as_int()), Error);
    EXPECT_DOUBLE_EQ(v["d"].as_double(), 0.25);
    EXPECT_EQ(v["s"].as_string(), "é");
    EXPECT_TRUE(v["a"].as_array()[1]["k"].is_null());
    EXPECT_TRUE(v["missing"]["deeper"].is_null());
    EXPECT_TRUE(v["t"].as_bool());
    EXPECT_EQ(v.size(), 6U);
    EXPECT_EQ(Json::parse(v.dump()), v);
    EXPECT_EQ(Json(1), Json(1.0));
    EXPECT_FALSE(Json(1) == Json("1"));
}

TEST(Json, RefusesWhatIsNotJsonAndWrongKinds) {
    EXPECT_THROW(static_cast<void>(Json::parse("{")), Error);
    EXPECT_THROW(static_cast<void>(Json::parse("")), Error);
    EXPECT_THROW(static_cast<void>(Json::parse("{} x")), Error);
    EXPECT_THROW(static_cast<void>(Json("s").as_int()), Error);
    EXPECT_THROW(static_cast<void>(Json(1).as_string()), Error);
    Json text("s");
    EXPECT_THROW(text.set("k", 1), Error);
    EXPECT_THROW(text.push_back(1), Error);
}

}  // namespace
}  // namespace herald::sdk
