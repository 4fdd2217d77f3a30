// herald/cluster/redis_link.cpp
#include "herald/cluster/redis_link.h"

// <utility> first: Boost 1.74 headers rely on it under GCC 12 in C++20 mode.
#include <cstdlib>
#include <future>
#include <stdexcept>
#include <utility>

#include <boost/asio/post.hpp>

namespace herald::cluster {

namespace {

constexpr std::chrono::milliseconds kConnectTimeout{2000};

std::string address_of(const RedisHost& host) {
    return (host.host.find(':') != std::string::npos ? "[" + host.host + "]" : host.host) + ":" +
           std::to_string(host.port);
}

}  // namespace

RespAddress resp_address(const RedisHost& host, const net::TlsContextPtr& tls) {
    return RespAddress{host.host, host.port, tls, kConnectTimeout};
}

std::optional<std::vector<std::string>> auth_command(const std::optional<std::string>& username,
                                                     const std::optional<std::string>& password) {
    if (!password) {
        return std::nullopt;
    }
    if (username) {
        return std::vector<std::string>{"AUTH", *username, *password};
    }
    return std::vector<std::string>{"AUTH", *password};
}

RedisLink::RedisLink(net::Worker& loop, RedisEndpoint endpoint, net::TlsContextPtr tls,
                     Handlers handlers)
    : endpoint_(std::move(endpoint)),
      tls_(std::move(tls)),
      handlers_(std::move(handlers)),
      sentinel_(loop, RespConnection::Handlers{nullptr, nullptr, nullptr}),
      master_(loop, RespConnection::Handlers{nullptr,
                                             [this](const std::string& why) { master_failed(why); },
                                             [this](const RedisValue& v) {
                                                 if (up_ && handlers_.push) {
                                                     handlers_.push(v);
                                                 }
                                             }}) {}

void RedisLink::open() {
    close();
    ++attempt_;
    open_ = true;
    failures_.clear();
    if (endpoint_.sentinels.empty()) {
        connect_master(RedisHost{endpoint_.host, endpoint_.port});
    } else {
        ask_sentinel(0);
    }
}

void RedisLink::close() {
    open_ = false;
    up_ = false;
    ++attempt_;
    ++sentinel_try_;
    sentinel_.close();
    master_.close();
}

// Asks the sentinels in turn for the master's address, each once per attempt: the first whose
// master connects and answers ROLE as the master wins. A sentinel that cannot be asked, or whose
// master fails, hands over to the next one at once, not at the owner's next retry: right after a
// failover one sentinel may still name the old master while the others name the new one.
void RedisLink::ask_sentinel(std::size_t index) {
    if (index >= endpoint_.sentinels.size()) {
        std::string reasons;
        for (const auto& failure : failures_) {
            reasons += (reasons.empty() ? "" : "; ") + failure;
        }
        report_down("no sentinel named a usable master '" + endpoint_.master_name + "' (" +
                    reasons + ")");
        return;
    }
    const auto& sentinel = endpoint_.sentinels[index];
    sentinel_index_ = index;
    sentinel_.open(resp_address(sentinel, tls_));
    // Once per sentinel: the first failure moves on, the replies of an abandoned try do not.
    const auto next = [this, index, at = ++sentinel_try_,
                       where = address_of(sentinel)](const std::string& why) {
        if (at == sentinel_try_ && open_) {
            failures_.push_back("sentinel " + where + ": " + why);
            ask_sentinel(index + 1);
        }
    };
    if (const auto auth = auth_command(std::nullopt, endpoint_.sentinel_password)) {
        sentinel_.command(*auth, [next](std::optional<RedisValue> reply) {
            if (!reply) {
                next("no answer");
            } else if (reply->is_error()) {
                next("AUTH failed: " + reply->text);
            }
        });
    }
    sentinel_.command({"SENTINEL", "get-master-addr-by-name", endpoint_.master_name},
                      [this, next, at = sentinel_try_](std::optional<RedisValue> reply) {
                          if (at != sentinel_try_ || !open_) {
                              return;
                          }
                          if (!reply || reply->is_error()) {
                              next(reply ? reply->text : "no answer");
                              return;
                          }
                          const auto& e = reply->elements;
                          const auto port = e.size() == 2 ? std::atoi(e[1].text.c_str()) : 0;
                          if (port <= 0 || port > 65535) {
                              next("it does not know the master '" + endpoint_.master_name + "'");
                              return;
                          }
                          sentinel_.close();
                          connect_master(RedisHost{e[0].text, static_cast<std::uint16_t>(port)});
                      });
}

void RedisLink::connect_master(const RedisHost& master) {
    master_address_ = address_of(master);
    master_.open(resp_address(master, tls_));
    std::vector<std::vector<std::string>> steps;
    if (auto auth = auth_command(endpoint_.username, endpoint_.password)) {
        steps.push_back(std::move(*auth));
    }
    steps.push_back({"SELECT", std::to_string(endpoint_.db)});
    if (!endpoint_.sentinels.empty()) {
        steps.push_back({"ROLE"});  // a sentinel may still name a master that was demoted
    }
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const bool last = i + 1 == steps.size();
        master_.command(steps[i], [this, at = attempt_, asked = sentinel_try_, last,
                                   what = steps[i][0]](std::optional<RedisValue> reply) {
            if (at != attempt_ || asked != sentinel_try_ || !open_ || !reply) {
                return;  // a lost connection is reported by the connection itself
            }
            if (reply->is_error()) {
                master_failed(what + " failed: " + reply->text);
                return;
            }
            if (what == "ROLE" &&
                (reply->elements.empty() || reply->elements[0].text != "master")) {
                master_failed("Redis at " + master_address_ + " is a " +
                              (reply->elements.empty() ? "server" : reply->elements[0].text) +
                              ", not the master");
                return;
            }
            if (last) {
                up_ = true;
                if (handlers_.up) {
                    handlers_.up();
                }
            }
        });
    }
}

// The master connection failed: once up, or without sentinels, the link is down; while a
// sentinel's answer is being tried, the next sentinel is asked.
void RedisLink::master_failed(const std::string& why) {
    if (!open_) {
        return;
    }
    if (up_ || endpoint_.sentinels.empty()) {
        report_down(why);
        return;
    }
    master_.close();
    failures_.push_back("sentinel " + address_of(endpoint_.sentinels[sentinel_index_]) + " named " +
                        master_address_ + ": " + why);
    ask_sentinel(sentinel_index_ + 1);
}

void RedisLink::report_down(const std::string& why) {
    if (!open_) {
        return;
    }
    close();
    if (handlers_.down) {
        handlers_.down(why);
    }
}

void RedisLink::command(const std::vector<std::string>& args, ReplyHandler done) {
    if (!up_) {
        if (done) {
            done(std::nullopt);
        }
        return;
    }
    master_.command(args, std::move(done));
}

void RedisLink::subscribe(const std::vector<std::string>& channels) {
    if (up_) {
        master_.subscribe(channels);
    }
}

std::vector<RedisValue> run_blocking(const RedisEndpoint& endpoint,
                                     const std::vector<std::vector<std::string>>& commands,
                                     std::chrono::milliseconds timeout,
                                     const net::TlsContextPtr& tls) {
    struct Outcome {
        std::vector<RedisValue> replies;
        std::string error;
    };

    const auto where = describe(endpoint);
    net::Worker worker(0);
    std::promise<Outcome> promise;
    bool settled = false;  // on the worker's thread
    const auto settle = [&](Outcome outcome) {
        if (!settled) {
            settled = true;
            promise.set_value(std::move(outcome));
        }
    };
    std::unique_ptr<RedisLink> link;
    auto replies = std::make_shared<std::vector<RedisValue>>();
    const auto run = [&] {
        if (commands.empty()) {
            settle({});
        }
        for (const auto& args : commands) {
            link->command(args, [&, replies, name = args[0]](std::optional<RedisValue> reply) {
                if (!reply) {
                    settle({{}, "Redis at " + where + " did not answer " + name});
                } else if (reply->is_error()) {
                    settle({{}, "Redis at " + where + " refused " + name + ": " + reply->text});
                } else if (replies->push_back(std::move(*reply));
                           replies->size() == commands.size()) {
                    settle({std::move(*replies), {}});
                }
            });
        }
    };
    worker.start();
    worker.post([&] {
        link = std::make_unique<RedisLink>(
                worker, endpoint, tls,
                RedisLink::Handlers{run,
                                    [&](const std::string& why) {
                                        settle({{}, "cannot reach Redis at " + where + ": " + why});
                                    },
                                    nullptr});
        link->open();
    });
    auto future = promise.get_future();
    const bool ready = future.wait_for(timeout) == std::future_status::ready;
    worker.stop();
    link.reset();
    if (!ready) {
        throw std::runtime_error("cannot reach Redis at " + where + ": no answer within " +
                                 std::to_string(timeout.count()) + " ms");
    }
    auto outcome = future.get();
    if (!outcome.error.empty()) {
        throw std::runtime_error(outcome.error);
    }
    return std::move(outcome.replies);
}

}  // namespace herald::cluster
