// FdtWriter: builds a flattened device tree with libfdt's sequential-write API.
// Devices add their own nodes through it; the board writes the skeleton.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace xenith {

// Fixed phandles of the virt board, so devices can refer to the interrupt controller
// without a lookup. CPU n's local interrupt controller is cpu_intc_base + n.
namespace phandle {
inline constexpr uint32_t plic = 1;
inline constexpr uint32_t test_finisher = 2; // the syscon that poweroff/reboot nodes point at
inline constexpr uint32_t cpu_intc_base = 16;
} // namespace phandle

class FdtWriter {
public:
    explicit FdtWriter(size_t capacity = 64 * 1024);

    void begin_node(std::string_view name);
    void end_node();
    void property(std::string_view name, std::string_view value);
    void property_strings(std::string_view name, std::initializer_list<std::string_view> values);
    void property_u32(std::string_view name, uint32_t value);
    void property_u64(std::string_view name, uint64_t value);
    // A list of 32-bit cells, e.g. interrupts-extended or a reg of #address-cells=2.
    void property_cells(std::string_view name, std::vector<uint32_t> const& cells);
    void property_empty(std::string_view name);
    void property_bytes(std::string_view name, void const* data, size_t size);
    // reg = <base size> with #address-cells = #size-cells = 2.
    void property_reg(uint64_t base, uint64_t size);

    // Finishes the tree. The first failure of any call above is reported here.
    Result<std::vector<uint8_t>> finish();

private:
    void check(int rc, std::string_view what);

    std::vector<uint8_t> m_buffer;
    std::string m_error;
    bool m_finished { false };
};

} // namespace xenith
