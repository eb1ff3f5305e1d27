// Guest core dumps: an ELF core file of a domain's RAM and vCPU registers (xm dump-core,
// on_crash=coredump-*), in the layout QEMU's dump-guest-memory writes, which crash(8) and gdb read.
#pragma once

#include <array>
#include <cstdint>
#include <ctime>
#include <span>
#include <string>

#include "base/error.h"

namespace xenith {

class GuestMemory;

// One vCPU's integer state as the ELF note carries it (riscv elf_gregset_t: pc, then x1..x31).
struct VcpuRegisters {
    uint64_t pc { 0 };
    std::array<uint64_t, 32> x {}; // x[0] is always zero and is not written
};

// Writes an ELF64 ET_CORE for EM_RISCV: one PT_NOTE with an NT_PRSTATUS per vCPU, one PT_LOAD
// per RAM region with p_paddr = guest-physical address. Pages that are all zeros are left as
// holes, so a mostly idle guest makes a small sparse file. The file is written beside `path`
// and renamed into place, mode 0600 (it holds the guest's memory), so a reader never sees a
// partial dump.
Status write_core_dump(std::string const& path, GuestMemory const& memory, std::span<VcpuRegisters const> vcpus);

// Xen's dump file name: "YYYY-MMDD-HHMM.SS-NAME.DOMID.core" (local time). Inline so xend can
// name dumps without linking the engine.
inline std::string core_dump_file_name(std::string const& domain_name, uint32_t domid)
{
    std::time_t now = std::time(nullptr);
    std::tm local {};
    ::localtime_r(&now, &local);
    char stamp[32];
    std::strftime(stamp, sizeof(stamp), "%Y-%m%d-%H%M.%S", &local);
    return fmt::format("{}-{}.{}.core", stamp, domain_name, domid);
}

} // namespace xenith
