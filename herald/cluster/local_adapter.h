// herald/cluster/local_adapter.h
//
// One node alone: nothing crosses, the view stays empty, every decision is the server's own.
// Owner: the server; stateless apart from the empty view.
#pragma once

#include "herald/cluster/adapter.h"

namespace herald::cluster {

class LocalAdapter final : public Adapter {
public:
    void start(Node& /*node*/) override {}

    void stop() override {}

    void publish(Event /*event*/) override {}

    void terminate_user(std::string_view /*app_id*/, std::string_view /*user_id*/) override {}

    void touch(std::string_view /*app_id*/, std::string_view /*channel*/,
               std::optional<std::string_view> /*user_id*/, std::string_view /*exclude*/,
               bool /*told*/) override {}

    [[nodiscard]] bool clustered() const noexcept override { return false; }

    [[nodiscard]] const View& view() const noexcept override { return view_; }

private:
    View view_;
};

}  // namespace herald::cluster
