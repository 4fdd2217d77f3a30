#include "herald/appstore/store_url.h"

#include <gtest/gtest.h>

#include "herald/appstore/open_store.h"
#include "herald/appstore/statements.h"

namespace herald::appstore {
namespace {

TEST(StoreUrl, KindsByScheme) {
    EXPECT_EQ(store_kind("postgresql://u@h/db").value(), StoreKind::Postgres);
    EXPECT_EQ(store_kind("postgres://h/db").value(), StoreKind::Postgres);
    EXPECT_EQ(store_kind("mysql://u@h/db").value(), StoreKind::MySql);
    EXPECT_EQ(store_kind("mariadb://u@h/db").value(), StoreKind::MySql);
    EXPECT_FALSE(store_kind("redis://h"));
    EXPECT_FALSE(store_kind("apps.toml"));
}

TEST(StoreUrl, MySqlParts) {
    const auto t = parse_mysql_url("mysql://herald:p%40ss@db.internal:3307/apps_db");
    ASSERT_TRUE(t) << t.error();
    EXPECT_EQ(t.value().user, "herald");
    EXPECT_EQ(t.value().password, "p@ss");
    EXPECT_EQ(t.value().host, "db.internal");
    EXPECT_EQ(t.value().port, 3307);
    EXPECT_EQ(t.value().database, "apps_db");
    const auto s = parse_mysql_url("mysql://root@localhost/db?socket=%2Ftmp%2Fm.sock");
    ASSERT_TRUE(s) << s.error();
    EXPECT_EQ(s.value().socket, "/tmp/m.sock");
    EXPECT_FALSE(s.value().password);
    EXPECT_FALSE(parse_mysql_url("mysql://u@h"));           // no database
    EXPECT_FALSE(parse_mysql_url("mysql://u@h:99999/db"));  // no port
    EXPECT_FALSE(parse_mysql_url("mysql://u@h/db?ssl=1"));
}

TEST(StoreUrl, TableNames) {
    EXPECT_TRUE(valid_table_name("apps"));
    EXPECT_TRUE(valid_table_name("herald.apps_2"));
    EXPECT_FALSE(valid_table_name(""));
    EXPECT_FALSE(valid_table_name("2apps"));
    EXPECT_FALSE(valid_table_name("apps; DROP TABLE apps"));
    EXPECT_FALSE(valid_table_name("a\"b"));
    EXPECT_FALSE(valid_table_name("a.b.c"));
    EXPECT_FALSE(valid_table_name(std::string(64, 'a')));
}

TEST(StoreUrl, FactoryChecksBeforeConnecting) {
    EXPECT_FALSE(backend_factory({"postgresql://h/db", std::nullopt, "apps`x"}));
    EXPECT_FALSE(backend_factory({"http://h/db", std::nullopt, "apps"}));
    EXPECT_FALSE(backend_factory({"mysql://h", std::nullopt, "apps"}));
    EXPECT_TRUE(backend_factory({"postgresql://h/db", std::nullopt, "apps"}));
    EXPECT_TRUE(backend_factory({"mysql://u@h/db", std::nullopt, "apps"}));
}

TEST(Statements, ValuesAreParametersNamesAreQuoted) {
    EXPECT_EQ(select_where(kPostgres, "herald.apps", "key"),
              R"(SELECT * FROM "herald"."apps" WHERE "key" = $1 LIMIT 1)");
    EXPECT_EQ(select_where(kMySql, "apps", "id"), "SELECT * FROM `apps` WHERE `id` = ? LIMIT 1");
    const auto cells = cells_in(AppRow{{"id", "1"}, {"key", "k"}, {"not_in_table", "x"}},
                                {"id", "key", "secret"});
    EXPECT_EQ(cells.columns, (std::vector<std::string>{"id", "key"}));
    EXPECT_EQ(insert_into(kPostgres, "apps", cells),
              R"(INSERT INTO "apps" ("id", "key") VALUES ($1, $2))");
    EXPECT_EQ(update_where_id(kMySql, "apps", cells),
              "UPDATE `apps` SET `id` = ?, `key` = ? WHERE `id` = ?");
    EXPECT_EQ(delete_where_id(kPostgres, "apps"), R"(DELETE FROM "apps" WHERE "id" = $1)");
}

}  // namespace
}  // namespace herald::appstore
