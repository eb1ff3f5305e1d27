// FirmwareImage: an M-mode firmware (OpenSBI, a bare-metal test), as an ELF or a raw binary.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"

namespace xenith {
class GuestMemory;
}

namespace xenith::board {

struct FirmwareImage {
    struct Segment {
        uint64_t addr; // guest-physical
        std::vector<uint8_t> bytes;
        uint64_t mem_size; // >= bytes.size(); the rest is zero (bss)
    };
    std::vector<Segment> segments;
    uint64_t entry { 0 };
    uint64_t end { 0 }; // highest byte any segment occupies, exclusive

    // An ELF64 RISC-V executable is loaded by its PT_LOAD segments' physical addresses and
    // entered at e_entry; anything else is a raw image loaded and entered at `raw_base`.
    // Malformed ELF headers are errors that name the file.
    static Result<FirmwareImage> load(std::string const& path, uint64_t raw_base);
    static Result<FirmwareImage> parse(std::vector<uint8_t> bytes, std::string const& what, uint64_t raw_base);

    // Copies every segment into RAM; errors if one falls outside it.
    Status copy_into(GuestMemory& memory, std::string const& what) const;
};

} // namespace xenith::board
