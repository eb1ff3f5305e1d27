// ResetRom: five instructions and two data words.
#include "engine/board/reset_rom.h"

#include <cstring>

namespace xenith::board {

ResetRom::ResetRom(uint64_t entry, uint64_t dtb_addr)
{
    uint32_t const code[] = {
        0x00000297, // auipc t0, 0
        0xf1402573, // csrr  a0, mhartid
        0x0202b583, // ld    a1, 32(t0)    the DTB
        0x0182b283, // ld    t0, 24(t0)    the firmware entry
        0x00028067, // jr    t0
        0x00000000, // padding to the data words
    };
    std::memcpy(m_bytes.data(), code, sizeof(code));
    std::memcpy(m_bytes.data() + 0x18, &entry, 8);
    std::memcpy(m_bytes.data() + 0x20, &dtb_addr, 8);
}

uint64_t ResetRom::read(uint64_t offset, unsigned size)
{
    uint64_t value = 0;
    for (unsigned i = 0; i < size; ++i) {
        if (offset + i < m_bytes.size())
            value |= uint64_t(m_bytes[offset + i]) << (8 * i);
    }
    return value;
}

} // namespace xenith::board
