// Mapping: mmap/munmap/madvise wrappers.
#include "base/mapping.h"

#include <sys/mman.h>

namespace xenith {

Result<Mapping> Mapping::anonymous(size_t size, Populate populate)
{
    if (size == 0)
        return fail("cannot map 0 bytes");
    int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
    if (populate == Populate::Yes)
        flags |= MAP_POPULATE;
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (p == MAP_FAILED)
        return fail_errno(fmt::format("mapping {} MiB of memory", size >> 20));
    return Mapping(static_cast<uint8_t*>(p), size);
}

Result<Mapping> Mapping::of_file(int fd, size_t size, size_t offset, bool writable)
{
    if (size == 0)
        return fail("cannot map 0 bytes");
    int prot = PROT_READ | (writable ? PROT_WRITE : 0);
    void* p = ::mmap(nullptr, size, prot, MAP_SHARED, fd, static_cast<off_t>(offset));
    if (p == MAP_FAILED)
        return fail_errno("mapping file");
    return Mapping(static_cast<uint8_t*>(p), size);
}

Mapping& Mapping::operator=(Mapping&& other) noexcept
{
    if (this != &other) {
        reset();
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
    }
    return *this;
}

Status Mapping::discard(size_t offset, size_t length)
{
    if (offset > m_size || length > m_size - offset)
        return fail("discard of [{:#x}, +{:#x}) is outside a {:#x}-byte mapping", offset, length, m_size);
    if (::madvise(m_data + offset, length, MADV_DONTNEED) != 0)
        return fail_errno("madvise(MADV_DONTNEED)");
    return {};
}

void Mapping::reset()
{
    if (m_data)
        ::munmap(m_data, m_size);
    m_data = nullptr;
    m_size = 0;
}

} // namespace xenith
