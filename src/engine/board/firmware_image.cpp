// FirmwareImage: a small ELF64 program-header reader and the raw fallback.
#include "engine/board/firmware_image.h"

#include <cstring>
#include <elf.h>

#include "engine/board/kernel_image.h"
#include "engine/mem/guest_memory.h"

namespace xenith::board {

Result<FirmwareImage> FirmwareImage::parse(std::vector<uint8_t> bytes, std::string const& what, uint64_t raw_base)
{
    FirmwareImage fw;
    if (bytes.empty())
        return fail("bios {}: empty file", what);
    if (bytes.size() < 4 || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0) {
        fw.entry = raw_base;
        fw.end = raw_base + bytes.size();
        fw.segments.push_back({ raw_base, std::move(bytes), 0 });
        fw.segments.back().mem_size = fw.segments.back().bytes.size();
        return fw;
    }
    Elf64_Ehdr eh;
    if (bytes.size() < sizeof(eh))
        return fail("bios {}: truncated ELF header", what);
    std::memcpy(&eh, bytes.data(), sizeof(eh));
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_RISCV)
        return fail("bios {}: not a 64-bit little-endian RISC-V ELF", what);
    if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phoff > bytes.size()
        || uint64_t(eh.e_phnum) * sizeof(Elf64_Phdr) > bytes.size() - eh.e_phoff)
        return fail("bios {}: program headers lie outside the file", what);
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
        Elf64_Phdr ph;
        std::memcpy(&ph, bytes.data() + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_offset > bytes.size() || ph.p_filesz > bytes.size() - ph.p_offset || ph.p_filesz > ph.p_memsz
            || ph.p_paddr + ph.p_memsz < ph.p_paddr)
            return fail("bios {}: segment {} lies outside the file or wraps", what, i);
        Segment seg { ph.p_paddr, std::vector<uint8_t>(bytes.begin() + long(ph.p_offset), bytes.begin() + long(ph.p_offset + ph.p_filesz)), ph.p_memsz };
        fw.end = std::max(fw.end, ph.p_paddr + ph.p_memsz);
        fw.segments.push_back(std::move(seg));
    }
    if (fw.segments.empty())
        return fail("bios {}: ELF has no loadable segment", what);
    fw.entry = eh.e_entry;
    return fw;
}

Result<FirmwareImage> FirmwareImage::load(std::string const& path, uint64_t raw_base)
{
    auto bytes = XENITH_TRY(read_file(path, "bios"));
    return parse(std::move(bytes), path, raw_base);
}

Status FirmwareImage::copy_into(GuestMemory& memory, std::string const& what) const
{
    for (auto const& seg : segments) {
        if (!memory.contains(seg.addr, seg.mem_size))
            return fail("bios {}: segment at {:#x} (+{:#x}) is outside RAM [{:#x}, {:#x}); give more --memory or check the file",
                what, seg.addr, seg.mem_size, memory.base(), memory.end());
        XENITH_TRY(memory.write(seg.addr, seg.bytes));
        // RAM starts zeroed, but say so for the bss anyway in case of reuse.
        std::memset(memory.host_ptr(seg.addr + seg.bytes.size(), seg.mem_size - seg.bytes.size()), 0, seg.mem_size - seg.bytes.size());
    }
    return {};
}

} // namespace xenith::board
