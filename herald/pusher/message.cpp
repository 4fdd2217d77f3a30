#include "herald/pusher/message.h"

#include <type_traits>

#include <simdjson.h>

#include "herald/pusher/json_member.h"
#include "herald/util/json_writer.h"

namespace herald::pusher {

namespace {

namespace dom = simdjson::dom;

static_assert(kJsonPadding >= simdjson::SIMDJSON_PADDING);

enum class Command : std::uint8_t {
    Subscribe,
    Unsubscribe,
    Signin,
};

ParseResult success(ClientMessage message) {
    return {std::move(message)};
}

// A string member that may be absent (nullopt). Null counts as absent; any other non-string is
// an error.
using Field = util::Result<std::optional<std::string>, MessageError>;

// `key` must be a string literal: errors keep a view of it.
Field optional_string(dom::object object, std::string_view key) {
    const auto element = last_member(object, key);
    if (!element || element->is_null()) {
        return std::optional<std::string>();
    }
    std::string_view text;
    if (element->get_string().get(text) != simdjson::SUCCESS) {
        return message_failure(MessageFault::WrongType, key);
    }
    return std::optional<std::string>(text);
}

// Absent is an error too; the value is then always set.
Field required_string(dom::object object, std::string_view key) {
    Field field = optional_string(object, key);
    if (field && !*field) {
        return message_failure(MessageFault::MissingField, key);
    }
    return field;
}

EventData to_event_data(const std::optional<dom::element>& data) {
    if (!data) {
        return {};
    }
    std::string_view text;
    if (data->get_string().get(text) == simdjson::SUCCESS) {
        return EventData::string(std::string(text));
    }
    return EventData::json(simdjson::minify(*data));
}

ParseResult read_command(Command command, dom::object data) {
    if (command == Command::Signin) {
        Field auth = required_string(data, "auth");
        Field user_data = required_string(data, "user_data");
        if (!auth || !user_data) {
            return util::unexpected(!auth ? auth.error() : user_data.error());
        }
        return success(Signin{std::move(**auth), std::move(**user_data)});
    }
    Field channel = required_string(data, "channel");
    if (!channel) {
        return util::unexpected(channel.error());
    }
    if (command == Command::Unsubscribe) {
        return success(Unsubscribe{std::move(**channel)});
    }
    Field auth = optional_string(data, "auth");
    Field channel_data = optional_string(data, "channel_data");
    if (!auth || !channel_data) {
        return util::unexpected(!auth ? auth.error() : channel_data.error());
    }
    return success(Subscribe{std::move(**channel), std::move(*auth).value_or(""),
                             std::move(*channel_data)});
}

std::optional<Command> command_of(std::string_view event) noexcept {
    if (event == events::kSubscribe) {
        return Command::Subscribe;
    }
    if (event == events::kUnsubscribe) {
        return Command::Unsubscribe;
    }
    if (event == events::kSignin) {
        return Command::Signin;
    }
    return std::nullopt;
}

MessageFault fault_of(simdjson::error_code error) noexcept {
    return error == simdjson::DEPTH_ERROR ? MessageFault::TooDeep : MessageFault::NotJson;
}

}  // namespace

util::Result<Envelope, MessageError> read_envelope(dom::parser& parser, std::string_view text,
                                                   bool padded) {
    if (text.empty()) {
        return message_failure(
                MessageFault::NotJson);  // and simdjson is never handed a null pointer
    }
    dom::element root;
    if (const auto error = parser.parse(text.data(), text.size(), !padded).get(root)) {
        return message_failure(fault_of(error));
    }
    dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) {
        return message_failure(MessageFault::NotAnObject);
    }
    const auto event_member = last_member(object, "event");
    if (!event_member) {
        return message_failure(MessageFault::MissingEvent);
    }
    std::string_view event;
    if (event_member->get_string().get(event) != simdjson::SUCCESS) {
        return message_failure(MessageFault::WrongType, "event");
    }
    return Envelope{object, event};
}

struct MessageParser::Impl {
    dom::parser parser;
    std::size_t max_bytes;

    Impl(std::size_t max_message_bytes, std::size_t max_depth) : max_bytes(max_message_bytes) {
        // Sized once; a failure here (out of memory) only means parse() allocates again.
        [[maybe_unused]] const auto error = parser.allocate(max_message_bytes, max_depth);
    }

    ParseResult parse(std::string_view text, bool padded);
    ParseResult parse_command(Command command, const std::optional<dom::element>& data);
};

// §3.2: pusher-js sends command data as an object; Reverb and Slanger also accept a string of
// JSON text, and so does Herald.
ParseResult MessageParser::Impl::parse_command(Command command,
                                               const std::optional<dom::element>& data) {
    if (!data) {
        return message_failure(MessageFault::MissingField, "data");
    }
    dom::object object;
    if (data->get_object().get(object) == simdjson::SUCCESS) {
        return read_command(command, object);
    }
    std::string_view text;
    if (data->get_string().get(text) != simdjson::SUCCESS) {
        return message_failure(MessageFault::DataNotAnObject, "data");
    }
    const std::string inner_text(text);  // the next parse reuses the buffers `text` points into
    dom::element inner;
    if (parser.parse(inner_text).get(inner) != simdjson::SUCCESS ||
        inner.get_object().get(object) != simdjson::SUCCESS) {
        return message_failure(MessageFault::DataNotAnObject, "data");
    }
    return read_command(command, object);
}

ParseResult MessageParser::Impl::parse(std::string_view text, bool padded) {
    if (text.size() > max_bytes) {
        return message_failure(MessageFault::TooLarge);
    }
    auto envelope = read_envelope(parser, text, padded);
    if (!envelope) {
        return util::unexpected(envelope.error());
    }
    const auto [object, event] = *envelope;
    Field channel = optional_string(object, "channel");
    if (!channel) {
        return util::unexpected(channel.error());
    }
    const std::optional<dom::element> data = last_member(object, "data");
    if (event == events::kPing) {
        return success(Ping{});
    }
    if (event == events::kPong) {
        return success(Pong{});
    }
    if (const auto command = command_of(event)) {
        return parse_command(*command, data);
    }
    if (!is_client_event_name(event)) {
        return success(OtherEvent{std::string(event), std::move(*channel), to_event_data(data)});
    }
    if (!*channel) {
        return message_failure(MessageFault::MissingField, "channel");
    }
    return success(ClientEvent{std::string(event), std::move(**channel), to_event_data(data)});
}

MessageParser::MessageParser(std::size_t max_message_bytes, std::size_t max_depth)
    : impl_(std::make_unique<Impl>(max_message_bytes, max_depth)) {}

MessageParser::~MessageParser() = default;
MessageParser::MessageParser(MessageParser&&) noexcept = default;
MessageParser& MessageParser::operator=(MessageParser&&) noexcept = default;

ParseResult MessageParser::parse(std::string_view text) {
    return impl_->parse(text, false);
}

ParseResult MessageParser::parse_padded(std::string_view text) {
    return impl_->parse(text, true);
}

ParseResult parse_client_message(std::string_view text) {
    MessageParser parser;
    return parser.parse(text);
}

ErrorCode error_code(const MessageError& /*error*/) noexcept {
    return ErrorCode::NoCode;
}

std::string describe(const MessageError& error) {
    std::string text = "Invalid message format: ";
    switch (error.fault) {
        case MessageFault::TooLarge:
            return text + "message is too large";
        case MessageFault::NotJson:
            return text + "not valid JSON";
        case MessageFault::TooDeep:
            return text + "JSON nested too deeply";
        case MessageFault::NotAnObject:
            return text + "not a JSON object";
        case MessageFault::MissingEvent:
            return text + "missing event";
        case MessageFault::MissingField:
            return text.append("missing ").append(error.field);
        case MessageFault::WrongType:
            return text.append(error.field).append(" has the wrong type");
        case MessageFault::DataNotAnObject:
            return text + "data must be an object";
    }
    return text;
}

namespace {

void write_data(util::JsonWriter& w, const EventData& data) {
    switch (data.kind) {
        case EventData::Kind::Absent:
            return;
        case EventData::Kind::String:
            w.key("data").string(data.text);
            return;
        case EventData::Kind::Json:
            w.key("data").raw(data.text);
            return;
    }
}

void write_command(util::JsonWriter& w, std::string_view event) {
    w.begin_object().key("event").string(event).key("data").begin_object();
}

void write(util::JsonWriter& w, const Ping& /*ping*/) {
    write_command(w, events::kPing);
}

void write(util::JsonWriter& w, const Pong& /*pong*/) {
    write_command(w, events::kPong);
}

void write(util::JsonWriter& w, const Subscribe& m) {
    write_command(w, events::kSubscribe);
    w.key("channel").string(m.channel).key("auth").string(m.auth);
    if (m.channel_data) {
        w.key("channel_data").string(*m.channel_data);
    }
}

void write(util::JsonWriter& w, const Unsubscribe& m) {
    write_command(w, events::kUnsubscribe);
    w.key("channel").string(m.channel);
}

void write(util::JsonWriter& w, const Signin& m) {
    write_command(w, events::kSignin);
    w.key("auth").string(m.auth).key("user_data").string(m.user_data);
}

void write(util::JsonWriter& w, const ClientEvent& m) {
    w.begin_object().key("event").string(m.event).key("channel").string(m.channel);
    write_data(w, m.data);
}

void write(util::JsonWriter& w, const OtherEvent& m) {
    w.begin_object().key("event").string(m.event);
    if (m.channel) {
        w.key("channel").string(*m.channel);
    }
    write_data(w, m.data);
}

}  // namespace

std::string serialize(const ClientMessage& message) {
    util::JsonWriter w;
    std::visit(
            [&w](const auto& m) {
                write(w, m);
                using T = std::decay_t<decltype(m)>;
                if constexpr (!std::is_same_v<T, ClientEvent> && !std::is_same_v<T, OtherEvent>) {
                    w.end_object();  // the data object of a pusher:* command
                }
            },
            message);
    w.end_object();
    return w.take();
}

std::optional<EventNameError> check_event_name(std::string_view name,
                                               std::size_t max_length) noexcept {
    if (name.empty()) {
        return EventNameError::Empty;
    }
    if (name.size() > max_length) {
        return EventNameError::TooLong;
    }
    if (name.starts_with("pusher:") || name.starts_with("pusher_internal:")) {
        return EventNameError::Reserved;
    }
    return std::nullopt;
}

std::string_view describe(EventNameError error) noexcept {
    switch (error) {
        case EventNameError::Empty:
            return "Event name is empty";
        case EventNameError::TooLong:
            return "Event name is too long";
        case EventNameError::Reserved:
            return "Event names starting with pusher: are reserved";
    }
    return "Invalid event name";
}

bool is_client_event_name(std::string_view name) noexcept {
    return name.starts_with(events::kClientPrefix);
}

std::size_t data_bytes(const EventData& data) noexcept {
    return data.text.size();
}

}  // namespace herald::pusher
