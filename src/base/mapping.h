// Mapping: sole owner of an mmap()ed region, unmapped on destruction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "base/error.h"

namespace xenith {

class Mapping {
public:
    enum class Populate {
        No,
        Yes,
    };

    // Anonymous private memory, zero-filled, reserved lazily by the kernel (no RSS until touched).
    static Result<Mapping> anonymous(size_t size, Populate populate = Populate::No);
    // A shared mapping of `size` bytes of fd from `offset`.
    static Result<Mapping> of_file(int fd, size_t size, size_t offset, bool writable);

    Mapping() = default;
    Mapping(Mapping&& other) noexcept
        : m_data(std::exchange(other.m_data, nullptr))
        , m_size(std::exchange(other.m_size, 0))
    {
    }
    Mapping& operator=(Mapping&& other) noexcept;
    Mapping(Mapping const&) = delete;
    Mapping& operator=(Mapping const&) = delete;
    ~Mapping() { reset(); }

    uint8_t* data() const { return m_data; }
    size_t size() const { return m_size; }

    // Returns [offset, offset+length) to the kernel; it reads back as zeros. Used by the balloon.
    Status discard(size_t offset, size_t length);

    void reset();

private:
    Mapping(uint8_t* data, size_t size)
        : m_data(data)
        , m_size(size)
    {
    }

    uint8_t* m_data { nullptr };
    size_t m_size { 0 };
};

} // namespace xenith
