// herald/sdk/errors.h
//
// What the SDK throws. Every error is an sdk::Error; catch the subclasses for the cases a caller
// handles differently: a refused signature or key (AuthenticationError, HTTP 401/403), any other
// error status from the server (HttpError, with the status and the body the server sent), a
// request that never got an answer (NetworkError: refused, unreachable, timed out, proxy failure),
// and options that cannot work (ConfigurationError, thrown when a client is made). Bad arguments
// to a call (an invalid channel name or socket id, too many channels) are a plain sdk::Error
// thrown before anything is sent.
// Owner: none (exception types).
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace herald::sdk {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class ConfigurationError : public Error {
public:
    using Error::Error;
};

class HttpError : public Error {
public:
    HttpError(int status, std::string body, const std::string& message)
        : Error(message), status_(status), body_(std::move(body)) {}

    [[nodiscard]] int status() const noexcept { return status_; }

    [[nodiscard]] const std::string& body() const noexcept { return body_; }

private:
    int status_;
    std::string body_;
};

class AuthenticationError : public HttpError {
public:
    using HttpError::HttpError;
};

class NetworkError : public Error {
public:
    NetworkError(const std::string& message, bool timed_out)
        : Error(message), timed_out_(timed_out) {}

    [[nodiscard]] bool timed_out() const noexcept { return timed_out_; }

private:
    bool timed_out_;
};

}  // namespace herald::sdk
