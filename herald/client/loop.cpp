#include "herald/client/loop.h"

#include "herald/net/worker.h"

namespace herald::client {

Loop::Loop() : worker_(std::make_unique<net::Worker>()) {
    worker_->start();
}

Loop::~Loop() {
    worker_->stop();
}

}  // namespace herald::client
