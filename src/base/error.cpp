// Error construction helpers.
#include "base/error.h"

#include <cstring>

namespace xenith {

Error Error::from_errno(std::string_view what, int sys_errno)
{
    return Error(fmt::format("{}: {}", what, std::strerror(sys_errno)), sys_errno);
}

Error Error::with_context(std::string_view context) const&
{
    return Error(fmt::format("{}: {}", context, m_message), m_errno);
}

} // namespace xenith
