// herald/cluster/wire.cpp
#include "herald/cluster/wire.h"

#include "herald/util/parse.h"

namespace herald::cluster {

namespace {

constexpr std::string_view kMagic = "H1";
constexpr std::size_t kMaxLengthDigits = 10;

void put(std::string& out, std::string_view field) {
    out += std::to_string(field.size());
    out += ':';
    out += field;
}

void put(std::string& out, std::uint64_t value) {
    put(out, std::to_string(value));
}

class Reader {
public:
    explicit Reader(std::string_view bytes) : rest_(bytes) {}

    // The next field; nullopt when the length is malformed or runs past the end.
    std::optional<std::string_view> field() {
        const auto colon = rest_.find(':');
        if (colon == std::string_view::npos || colon == 0 || colon > kMaxLengthDigits) {
            return std::nullopt;
        }
        const auto length = util::parse_integer<std::size_t>(rest_.substr(0, colon));
        if (!length || *length > rest_.size() - colon - 1) {
            return std::nullopt;
        }
        const auto value = rest_.substr(colon + 1, *length);
        rest_.remove_prefix(colon + 1 + *length);
        return value;
    }

    bool text(std::string& out) {
        const auto f = field();
        if (f) {
            out.assign(*f);
        }
        return f.has_value();
    }

    bool number(std::uint64_t& out) {
        const auto f = field();
        const auto value = f ? util::parse_integer<std::uint64_t>(*f) : std::nullopt;
        if (value) {
            out = *value;
        }
        return value.has_value();
    }

    bool transition(Transition& out) {
        std::uint64_t value = 0;
        if (!number(value) || value > 2) {
            return false;
        }
        out = static_cast<Transition>(value);
        return true;
    }

    bool flag(bool& out) {
        std::uint64_t value = 0;
        if (!number(value) || value > 1) {
            return false;
        }
        out = value == 1;
        return true;
    }

    [[nodiscard]] bool done() const noexcept { return rest_.empty(); }

private:
    std::string_view rest_;
};

struct Encoder {
    std::string& out;

    void operator()(const EventMessage& m) const {
        out += 'E';
        for (const auto* f :
             {&m.node, &m.app_id, &m.channel, &m.exclude, &m.event, &m.data, &m.payload}) {
            put(out, *f);
        }
    }

    void operator()(const TerminateMessage& m) const {
        out += 'T';
        put(out, m.node);
        put(out, m.app_id);
        put(out, m.user_id);
    }

    void operator()(const CountMessage& m) const {
        out += 'C';
        put(out, m.owner);
        put(out, m.by);
        put(out, m.seq);
        put(out, m.app_id);
        put(out, m.channel);
        put(out, m.count);
        put(out, static_cast<std::uint64_t>(m.transition));
    }

    void operator()(const MemberMessage& m) const {
        out += 'M';
        put(out, m.owner);
        put(out, m.by);
        put(out, m.seq);
        put(out, m.app_id);
        put(out, m.channel);
        put(out, m.user_id);
        put(out, std::uint64_t{m.present ? 1U : 0U});
        put(out, m.user_info);
        put(out, static_cast<std::uint64_t>(m.transition));
        put(out, m.exclude);
    }

    void operator()(const GoneMessage& m) const {
        out += 'G';
        put(out, m.owner);
        put(out, m.by);
    }
};

std::optional<WireMessage> finish(const Reader& reader, WireMessage message, bool ok) {
    if (!ok || !reader.done()) {
        return std::nullopt;
    }
    return message;
}

}  // namespace

std::string encode(const WireMessage& message) {
    std::string out(kMagic);
    std::visit(Encoder{out}, message);
    return out;
}

std::optional<WireMessage> decode(std::string_view bytes) {
    if (!bytes.starts_with(kMagic) || bytes.size() < kMagic.size() + 1) {
        return std::nullopt;
    }
    const char kind = bytes[kMagic.size()];
    Reader r(bytes.substr(kMagic.size() + 1));
    switch (kind) {
        case 'E': {
            EventMessage m;
            const bool ok = r.text(m.node) && r.text(m.app_id) && r.text(m.channel) &&
                            r.text(m.exclude) && r.text(m.event) && r.text(m.data) &&
                            r.text(m.payload);
            return finish(r, std::move(m), ok);
        }
        case 'T': {
            TerminateMessage m;
            const bool ok = r.text(m.node) && r.text(m.app_id) && r.text(m.user_id);
            return finish(r, std::move(m), ok);
        }
        case 'C': {
            CountMessage m;
            const bool ok = r.text(m.owner) && r.text(m.by) && r.number(m.seq) &&
                            r.text(m.app_id) && r.text(m.channel) && r.number(m.count) &&
                            r.transition(m.transition);
            return finish(r, std::move(m), ok);
        }
        case 'M': {
            MemberMessage m;
            const bool ok = r.text(m.owner) && r.text(m.by) && r.number(m.seq) &&
                            r.text(m.app_id) && r.text(m.channel) && r.text(m.user_id) &&
                            r.flag(m.present) && r.text(m.user_info) &&
                            r.transition(m.transition) && r.text(m.exclude);
            return finish(r, std::move(m), ok);
        }
        case 'G': {
            GoneMessage m;
            const bool ok = r.text(m.owner) && r.text(m.by);
            return finish(r, std::move(m), ok);
        }
        default:
            return std::nullopt;
    }
}

}  // namespace herald::cluster
