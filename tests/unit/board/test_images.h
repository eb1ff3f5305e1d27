// Guest programs for the board and machine tests, assembled with riscv64-linux-gnu-as/ld.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

namespace xenith::test {

inline std::vector<uint8_t> bytes_of(std::initializer_list<uint32_t> words)
{
    std::vector<uint8_t> out(words.size() * 4);
    size_t i = 0;
    for (uint32_t w : words) {
        std::memcpy(out.data() + i, &w, 4);
        i += 4;
    }
    return out;
}

// A RISC-V Linux Image (text_offset 0x200000, image_size 0x1000) whose code, on hart 0, calls
// HSM hart_start(1, secondary, 0x1234) and waits in WFI; on hart 1, `secondary` checks a0 == 1
// and a1 == 0x1234 and calls SRST shutdown (reason none), or SRST with reason "system failure"
// if either check fails:
//   real_start: li a7, 0x48534D; li a6, 0; li a0, 1; la a1, secondary; li a2, 0x1234; ecall
//            1: wfi; j 1b
//   secondary: li t0, 0x1234; li a7, 0x53525354; li a6, 0; bne a1, t0, bad; li t1, 1
//              bne a0, t1, bad; li a0, 0; li a1, 0; ecall
//   bad:       li a0, 0; li a1, 1; ecall
inline std::vector<uint8_t> hsm_image()
{
    return bytes_of({ 0x0001a081, 0x00000013, 0x00200000, 0x00000000, 0x00001000, 0x00000000, 0x00000000, 0x00000000,
        0x00000002, 0x00000000, 0x00000000, 0x00000000, 0x43534952, 0x00000056, 0x05435352, 0x00000000, 0x004858b7,
        0x34d8889b, 0x45054801, 0x00000597, 0x01858593, 0x061b6605, 0x00732346, 0x00730000, 0xbff51050, 0x829b6285,
        0x58b72342, 0x889b5352, 0x48013548, 0x00559963, 0x16634305, 0x45010065, 0x00734581, 0x45010000, 0x00734585,
        0x00010000 });
}

// M-mode firmware: stores a0 and a1 at its own address + 0x40/0x48, then writes 0x5555 to
// the test finisher:
//   auipc t2, 0; sd a0, 0x40(t2); sd a1, 0x48(t2); li t0, 0x100000; li t1, 0x5555; sw t1, 0(t0); 1: j 1b
inline std::vector<uint8_t> finisher_firmware()
{
    return bytes_of({ 0x00000397, 0x04a3b023, 0x04b3b423, 0x001002b7, 0x031b6315, 0xa0235553, 0xa0010062 });
}

} // namespace xenith::test
