// KernelImage: a RISC-V Linux "Image" file, checked against the boot protocol's header.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"

namespace xenith::board {

struct KernelImage {
    std::vector<uint8_t> bytes;
    uint64_t text_offset { 0 }; // from the start of RAM
    uint64_t image_size { 0 };  // memory the kernel needs from its load address, bss included

    // Reads and validates `path`: magic "RISCV\0\0\0" at 0x30 and "RSC\x05" at 0x38, a
    // 4 KiB-aligned text_offset and an image_size that covers the file. Errors name the file.
    static Result<KernelImage> load(std::string const& path);
    // Validates an in-memory image; `what` names it in errors.
    static Result<KernelImage> parse(std::vector<uint8_t> bytes, std::string const& what);
};

// Reads a whole file (kernel, initrd, firmware); `role` ("kernel", "initrd") starts the error.
Result<std::vector<uint8_t>> read_file(std::string const& path, std::string_view role);

} // namespace xenith::board
