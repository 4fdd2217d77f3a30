// herald/server/address_limit.cpp
#include "herald/server/address_limit.h"

#include "herald/util/parse.h"

namespace herald::server {

std::string_view host_of(std::string_view address) noexcept {
    const auto authority = util::split_authority(address);
    return authority ? authority->host : address;
}

AddressLimit::Slot AddressLimit::acquire(std::string_view address) {
    std::string host(host_of(address));
    {
        const std::lock_guard lock(mutex_);
        auto& count = counts_[host];  // a refused address has one at least: no empty entry stays
        if (max_ > 0 && count >= max_) {
            return nullptr;
        }
        ++count;
    }
    // The deleter gives the slot back; the pointer itself is only a token.
    return Slot(this, [this, host = std::move(host)](void*) { release(host); });
}

std::size_t AddressLimit::held(std::string_view address) {
    const std::lock_guard lock(mutex_);
    const auto found = counts_.find(std::string(host_of(address)));
    return found == counts_.end() ? 0 : found->second;
}

void AddressLimit::release(const std::string& host) {
    const std::lock_guard lock(mutex_);
    const auto found = counts_.find(host);
    if (found != counts_.end() && --found->second == 0) {
        counts_.erase(found);
    }
}

}  // namespace herald::server
