// Sbi: dispatch of S-mode ecalls by extension and function id.
#include "engine/sbi/sbi.h"

#include <array>
#include <cstring>

#include "engine/mem/guest_memory.h"

namespace xenith::sbi {

namespace {
constexpr unsigned a0 = 10, a1 = 11, a6 = 16, a7 = 17;
constexpr uint64_t dbcn_chunk = 4096;
} // namespace

Sbi::Sbi(GuestMemory& memory, HartStates& states, SbiConsole& console)
    : m_memory(memory)
    , m_states(states)
    , m_console(console)
{
}

void Sbi::attach_harts(std::span<riscv::Hart* const> harts) { m_harts.assign(harts.begin(), harts.end()); }

std::optional<VcpuExit> Sbi::handle_ecall(riscv::Hart& hart)
{
    Call call { hart.reg(a7), hart.reg(a6), {} };
    for (unsigned i = 0; i < 6; ++i)
        call.a[i] = hart.reg(a0 + i);

    std::optional<VcpuExit> exit;
    if (call.eid < 0x10) {
        // Legacy calls return one value in a0 and leave a1 alone.
        auto value = legacy(hart, call, exit);
        hart.set_reg(a0, uint64_t(value.value_or(error::not_supported)));
        return exit;
    }

    Result r { error::not_supported, 0 };
    switch (call.eid) {
    case eid::base:
        r = base(call);
        break;
    case eid::time:
        r = time(hart, call);
        break;
    case eid::ipi:
        r = ipi(call);
        break;
    case eid::rfence:
        r = rfence(call);
        break;
    case eid::hsm:
        r = hsm(hart, call, exit);
        break;
    case eid::srst:
        r = srst(call, exit);
        break;
    case eid::dbcn:
        r = dbcn(call);
        break;
    }
    hart.set_reg(a0, uint64_t(r.error));
    hart.set_reg(a1, uint64_t(r.value));
    return exit;
}

bool Sbi::probe(uint64_t id) const
{
    switch (id) {
    case eid::legacy_set_timer:
    case eid::legacy_console_putchar:
    case eid::legacy_console_getchar:
    case eid::legacy_shutdown:
    case eid::base:
    case eid::time:
    case eid::ipi:
    case eid::rfence:
    case eid::hsm:
    case eid::srst:
    case eid::dbcn:
        return true;
    }
    return false;
}

Sbi::Result Sbi::base(Call const& c)
{
    switch (c.fid) {
    case 0:
        return { error::success, spec_version };
    case 1:
        return { error::success, impl_id };
    case 2:
        return { error::success, impl_version };
    case 3:
        return { error::success, probe(c.a[0]) ? 1 : 0 };
    case 4: // mvendorid, marchid, mimpid: a PV hart is no vendor's hardware
    case 5:
    case 6:
        return { error::success, 0 };
    }
    return { error::not_supported, 0 };
}

Sbi::Result Sbi::time(riscv::Hart& hart, Call const& c)
{
    if (c.fid != 0)
        return { error::not_supported, 0 };
    // Programs the hart's stimecmp, which also clears a pending STIP until the new deadline.
    hart.set_stimecmp(c.a[0]);
    return { error::success, 0 };
}

bool Sbi::targets(uint64_t mask, uint64_t mask_base, std::vector<riscv::Hart*>& out) const
{
    out.clear();
    if (mask_base == ~0ull) {
        out = m_harts;
        return true;
    }
    for (unsigned bit = 0; bit < 64; ++bit) {
        if (!(mask >> bit & 1))
            continue;
        uint64_t id = mask_base + bit;
        if (id < mask_base || id >= m_harts.size())
            return false;
        out.push_back(m_harts[id]);
    }
    return true;
}

Sbi::Result Sbi::ipi(Call const& c)
{
    if (c.fid != 0)
        return { error::not_supported, 0 };
    std::vector<riscv::Hart*> harts;
    if (!targets(c.a[0], c.a[1], harts))
        return { error::invalid_param, 0 };
    for (auto* h : harts)
        h->set_interrupt_pending(riscv::irq::SSIP, true);
    return { error::success, 0 };
}

Sbi::Result Sbi::rfence(Call const& c)
{
    // 0 remote_fence_i, 1 remote_sfence_vma, 2 remote_sfence_vma_asid; 3..6 are the hfence
    // forms, which need the H extension.
    if (c.fid > 2)
        return { error::not_supported, 0 };
    std::vector<riscv::Hart*> harts;
    if (!targets(c.a[0], c.a[1], harts))
        return { error::invalid_param, 0 };
    // Whole flushes regardless of the address range or ASID: always correct, and Linux's
    // ranges are usually whole address spaces anyway. Every target (the caller included)
    // flushes before its next block.
    for (auto* h : harts) {
        if (c.fid == 0)
            h->request_fence_i();
        else
            h->request_tlb_flush();
    }
    return { error::success, 0 };
}

Sbi::Result Sbi::hsm(riscv::Hart& hart, Call const& c, std::optional<VcpuExit>& exit)
{
    switch (c.fid) {
    case 0: { // hart_start(hartid, start_addr, opaque)
        if (c.a[0] >= m_harts.size())
            return { error::invalid_param, 0 };
        if (!m_memory.contains(c.a[1], 4))
            return { error::invalid_address, 0 };
        return { m_states.request_start(unsigned(c.a[0]), { c.a[1], c.a[2] }), 0 };
    }
    case 1: { // hart_stop()
        long err = m_states.request_stop(hart.hart_id());
        if (err == error::success)
            exit = VcpuExit { VcpuExit::Reason::Stopped, 0 };
        return { err, 0 };
    }
    case 2: // hart_get_status(hartid)
        if (c.a[0] >= m_harts.size())
            return { error::invalid_param, 0 };
        return { error::success, long(m_states.state(unsigned(c.a[0]))) };
    case 3: { // hart_suspend(suspend_type, resume_addr, opaque)
        uint32_t type = uint32_t(c.a[0]);
        if (type == 0) {
            // Default retentive suspend behaves like WFI, and like WFI it may return early:
            // the caller resumes right after the ecall with its state intact.
            return { error::success, 0 };
        }
        if ((type >= 0x1 && type <= 0x0fffffff) || (type >= 0x80000001 && type <= 0x8fffffff))
            return { error::invalid_param, 0 };
        return { error::not_supported, 0 }; // non-retentive and platform-specific types
    }
    }
    return { error::not_supported, 0 };
}

Sbi::Result Sbi::srst(Call const& c, std::optional<VcpuExit>& exit)
{
    if (c.fid != 0)
        return { error::not_supported, 0 };
    uint64_t type = c.a[0];
    uint64_t reason = c.a[1];
    if (type > 0xffffffff || reason > 0xffffffff)
        return { error::invalid_param, 0 };
    if (type > reset_type::warm_reboot)
        return { type >= 0xf0000000 ? error::not_supported : error::invalid_param, 0 };
    if (reason > reset_reason::system_failure && reason < 0xe0000000)
        return { error::invalid_param, 0 };
    exit = VcpuExit { VcpuExit::Reason::Shutdown, type | reason << 32 };
    return { error::success, 0 };
}

Sbi::Result Sbi::dbcn(Call const& c)
{
    switch (c.fid) {
    case 0:   // console_write(num_bytes, base_addr_lo, base_addr_hi)
    case 1: { // console_read(num_bytes, base_addr_lo, base_addr_hi)
        uint64_t len = c.a[0];
        uint64_t addr = c.a[1] | c.a[2] << 32;
        if (c.a[2] != 0 || !m_memory.contains(addr, len))
            return { error::invalid_param, 0 };
        uint8_t* p = m_memory.host_ptr(addr, len);
        if (c.fid == 0) {
            // The guest may change the buffer while we copy; it only hurts its own output.
            for (uint64_t done = 0; done < len; done += dbcn_chunk) {
                std::array<uint8_t, dbcn_chunk> chunk;
                uint64_t n = std::min(dbcn_chunk, len - done);
                std::memcpy(chunk.data(), p + done, n);
                m_console.write(std::span(chunk.data(), n));
            }
            return { error::success, long(len) };
        }
        std::array<uint8_t, dbcn_chunk> chunk;
        size_t n = m_console.read(std::span(chunk.data(), std::min(dbcn_chunk, len)));
        if (n)
            (void)m_memory.write(addr, std::span<uint8_t const>(chunk.data(), n));
        return { error::success, long(n) };
    }
    case 2: { // console_write_byte(byte)
        uint8_t b = uint8_t(c.a[0]);
        m_console.write(std::span(&b, 1));
        return { error::success, 0 };
    }
    }
    return { error::not_supported, 0 };
}

std::optional<long> Sbi::legacy(riscv::Hart& hart, Call const& c, std::optional<VcpuExit>& exit)
{
    switch (c.eid) {
    case eid::legacy_set_timer:
        hart.set_stimecmp(c.a[0]);
        return 0;
    case eid::legacy_console_putchar: {
        uint8_t b = uint8_t(c.a[0]);
        m_console.write(std::span(&b, 1));
        return 0;
    }
    case eid::legacy_console_getchar: {
        uint8_t b;
        return m_console.read(std::span(&b, 1)) ? long(b) : -1;
    }
    case eid::legacy_shutdown:
        exit = VcpuExit { VcpuExit::Reason::Shutdown, reset_type::shutdown };
        return 0;
    }
    return std::nullopt;
}

} // namespace xenith::sbi
