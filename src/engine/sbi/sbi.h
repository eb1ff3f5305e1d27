// Sbi: Xenith's SBI v2.0 implementation, the hypercall interface of a PV domain.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "engine/riscv/hart.h"
#include "engine/sbi/hart_states.h"
#include "engine/sbi/sbi_console.h"

namespace xenith {
class GuestMemory;
}

namespace xenith::sbi {

// Extensions: BASE, TIME, IPI, RFENCE (fence.i and sfence.vma forms; hfence is not
// supported, there is no H extension), HSM, SRST, DBCN and the legacy set_timer,
// console_putchar, console_getchar and shutdown calls. Anything else: SBI_ERR_NOT_SUPPORTED.
// Threading: handle_ecall runs on the calling hart's thread, concurrently for several harts;
// everything it touches on other harts is an any-thread Hart call, and HartStates and
// SbiConsole lock internally.
class Sbi final : public riscv::SbiHandler {
public:
    Sbi(GuestMemory& memory, HartStates& states, SbiConsole& console);

    // The harts, in hart-id order. Set once after they are created (they need this handler
    // first), before any of them runs.
    void attach_harts(std::span<riscv::Hart* const> harts);

    std::optional<VcpuExit> handle_ecall(riscv::Hart& hart) override;

private:
    struct Result {
        long error;
        long value;
    };
    struct Call {
        uint64_t eid, fid;
        uint64_t a[6];
    };

    Result base(Call const&);
    Result time(riscv::Hart&, Call const&);
    Result ipi(Call const&);
    Result rfence(Call const&);
    Result hsm(riscv::Hart&, Call const&, std::optional<VcpuExit>& exit);
    Result srst(Call const&, std::optional<VcpuExit>& exit);
    Result dbcn(Call const&);
    std::optional<long> legacy(riscv::Hart&, Call const&, std::optional<VcpuExit>& exit);
    bool probe(uint64_t eid) const;

    // Resolves (hart_mask, hart_mask_base) to hart ids; false if any id does not exist.
    bool targets(uint64_t mask, uint64_t mask_base, std::vector<riscv::Hart*>& out) const;

    GuestMemory& m_memory;
    HartStates& m_states;
    SbiConsole& m_console;
    std::vector<riscv::Hart*> m_harts;
};

} // namespace xenith::sbi
