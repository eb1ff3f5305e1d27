// Errors as values: every fallible call returns Result<T>, never throws across a boundary.
#pragma once

#include <cerrno>
#include <expected>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace xenith {

// A failure with a message a user can act on: say what failed, on which file/device/key,
// and what to do. Messages read as one line: "kernel /x/Image: no such file".
class Error {
public:
    explicit Error(std::string message, int sys_errno = 0)
        : m_message(std::move(message))
        , m_errno(sys_errno)
    {
    }

    // An error from a failed system call: appends strerror(errno).
    static Error from_errno(std::string_view what, int sys_errno = errno);

    template<typename... Args>
    static Error format(fmt::format_string<Args...> spec, Args&&... args)
    {
        return Error(fmt::format(spec, std::forward<Args>(args)...));
    }

    std::string const& message() const { return m_message; }
    int sys_errno() const { return m_errno; }

    // Prefixes context, e.g. the file name: "disk 0: " + "open failed: ...".
    Error with_context(std::string_view context) const&;

private:
    std::string m_message;
    int m_errno { 0 };
};

template<typename T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(std::string message) { return std::unexpected(Error(std::move(message))); }

template<typename... Args>
std::unexpected<Error> fail(fmt::format_string<Args...> spec, Args&&... args)
{
    return std::unexpected(Error(fmt::format(spec, std::forward<Args>(args)...)));
}

inline std::unexpected<Error> fail_errno(std::string_view what, int sys_errno = errno)
{
    return std::unexpected(Error::from_errno(what, sys_errno));
}

// Propagates an error from a Result/Status expression, yielding its value otherwise.
#define XENITH_TRY(expr)                                          \
    ({                                                            \
        auto _xenith_result = (expr);                             \
        if (!_xenith_result)                                      \
            return std::unexpected(std::move(_xenith_result).error()); \
        std::move(_xenith_result).value();                        \
    })

} // namespace xenith
