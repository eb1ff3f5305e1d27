// Hart: the public face (Vcpu seam, boot, interrupt inputs) over Core, and Core's run loop.
#include "engine/riscv/hart.h"

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "base/log.h"
#include "engine/riscv/core.h"
#include "engine/riscv/timebase.h"

namespace xenith::riscv {

Core::Core(HartConfig const& config, Hart& hart)
    : hart_id(config.hart_id)
    , m_hart(hart)
    , m_mem(config.memory)
    , m_bus(config.bus)
    , m_sbi(config.sbi)
    , m_ram_host(config.memory->host_base())
    , m_ram_base(config.memory->base())
    , m_ram_size(config.memory->size())
    , m_jit(config.jit_hot_entries ? (config.code_cache_bytes ? config.code_cache_bytes : default_code_cache_bytes) : 0)
    , m_jit_hot_entries(config.jit_hot_entries)
{
    init_block_cache(config.code_cache_bytes ? config.code_cache_bytes : default_code_cache_bytes);
    // XENITH_TRACE=1: every block's pc and instructions; XENITH_TRACE=pc: each hart's pc once a second.
    char const* trace = std::getenv("XENITH_TRACE");
    m_trace_pc = trace && std::string_view(trace) == "pc";
    m_trace = trace && *trace && *trace != '0' && !m_trace_pc;
    flush_tlb();
    flush_blocks();
    reset(0);
}

Core::~Core()
{
#ifdef XENITH_BLOCK_PROFILE
    profile_collect();
    profile_print();
#endif
}

void Core::reset(uint64_t start_pc)
{
    std::memset(x, 0, sizeof(x));
    std::memset(f, 0, sizeof(f));
    pc = start_pc;
    m_mstatus = 0;
    m_mie = 0;
    m_mtvec = m_stvec = 0;
    m_mepc = m_sepc = m_mcause = m_scause = m_mtval = m_stval = 0;
    m_mscratch = m_sscratch = 0;
    m_satp = 0;
    m_senvcfg = 0;
    m_cycle_offset = 0;
    m_seip_sw = false;
    std::memset(m_pmpcfg, 0, sizeof(m_pmpcfg));
    std::memset(m_pmpaddr, 0, sizeof(m_pmpaddr));
    m_fflags = m_frm = 0;
    m_mip.fetch_and(~(irq::STIP | irq::SSIP));
    stimecmp_value.store(~0ull);
    m_resv_valid = false;
    m_exit.reset();
    if (m_sbi) {
        // PV: the hypervisor plays M-mode; S-mode owns every delegable trap but its own ecalls.
        priv = Priv::S;
        m_medeleg = 0xb1ff;
        m_mideleg = irq::SSIP | irq::STIP | irq::SEIP;
        m_mcounteren = 7;
        m_scounteren = 7; // as OpenSBI leaves it: user mode may read cycle, time and instret
        m_menvcfg = 1ull << 63;
    } else {
        priv = Priv::M;
        m_medeleg = m_mideleg = 0;
        m_mcounteren = m_scounteren = 0;
        m_menvcfg = 0;
    }
    flush_tlb();
    update_tlb_sets();
    m_local_check = true;
}

std::optional<VcpuExit> Core::service()
{
    m_local_check = false;
    m_countdown = service_interval;
    publish_instret();
    if (XENITH_UNLIKELY(m_trim_due)) {
        ++m_idle_trims;
        log::debug("hart {}: idle, dropping {} KiB of decoded blocks (trim {})", hart_id, m_arena_used >> 10, m_idle_trims);
        flush_blocks();
    } else if (XENITH_UNLIKELY(m_flush_due)) {
        ++m_flushes;
        log::debug("hart {}: compiled code buffer full ({} KiB), flushing blocks and code", hart_id, m_jit.used() >> 10);
        flush_blocks();
    }
    uint32_t p = m_pending.exchange(0, std::memory_order_acq_rel);
    if (p & req_tlb)
        flush_tlb();
    if (p & req_fence_i)
        invalidate_code();
    if (m_exit) {
        VcpuExit e = *m_exit;
        m_exit.reset();
        return e;
    }
    if (p & req_exit)
        return VcpuExit { VcpuExit::Reason::Requested, 0 };
    uint64_t now = mtime_now();
    if (XENITH_UNLIKELY(m_trace_pc) && now >= m_trace_pc_next) {
        m_trace_pc_next = now + timebase_hz;
        std::fprintf(stderr, "[hart %u] pc %#llx priv %d instret %llu mip %#llx mie %#llx mstatus %#llx\n", hart_id,
            (unsigned long long)pc, int(priv), (unsigned long long)instret, (unsigned long long)read_mip(),
            (unsigned long long)m_mie, (unsigned long long)read_mstatus());
    }
    update_timers(now);
    check_interrupts();
    return std::nullopt;
}

VcpuExit Core::run()
{
    Block* next = nullptr;
    m_local_check = true;
    for (;;) {
        if (XENITH_UNLIKELY(m_local_check | (m_pending.load(std::memory_order_relaxed) != 0) | (--m_countdown < 0))) {
            if (auto e = service())
                return *e;
            next = nullptr;
        }
        if (XENITH_UNLIKELY(m_mem->code_generation() != m_code_generation_seen)) {
            invalidate_code();
            next = nullptr;
        }
        Block* b = next ? next : lookup_block();
        if (XENITH_UNLIKELY(!b)) {
            next = nullptr;
            continue;
        }
        if (XENITH_UNLIKELY(m_trace))
            trace_block(b);
        next = execute(b);
    }
}

// --- save/restore: a flat little-endian record of the architectural state.

namespace {

constexpr uint64_t state_magic = 0x3176682d76637278ull; // "xrcv-hv1"

struct Writer {
    std::vector<uint8_t> out;
    void put(uint64_t v)
    {
        uint8_t b[8];
        std::memcpy(b, &v, 8);
        out.insert(out.end(), b, b + 8);
    }
};

struct Reader {
    std::span<uint8_t const> in;
    size_t pos { 0 };
    bool ok { true };
    uint64_t get()
    {
        if (pos + 8 > in.size()) {
            ok = false;
            return 0;
        }
        uint64_t v;
        std::memcpy(&v, in.data() + pos, 8);
        pos += 8;
        return v;
    }
};

} // namespace

std::vector<uint8_t> Core::save_state() const
{
    Writer w;
    w.put(state_magic);
    for (unsigned r = 0; r < 32; ++r)
        w.put(x[r]);
    for (unsigned r = 0; r < 32; ++r)
        w.put(f[r]);
    for (uint64_t v : { pc, uint64_t(priv), instret, m_mstatus, m_mie, m_medeleg, m_mideleg, m_mtvec, m_stvec, m_mepc,
             m_sepc, m_mcause, m_scause, m_mtval, m_stval, m_mscratch, m_sscratch, m_satp, uint64_t(m_mcounteren),
             uint64_t(m_scounteren), m_menvcfg, m_senvcfg, m_cycle_offset, uint64_t(m_seip_sw), uint64_t(m_fflags),
             uint64_t(m_frm), m_mip.load(), mtimecmp_value.load(), stimecmp_value.load() })
        w.put(v);
    for (unsigned k = 0; k < 64; ++k)
        w.put(m_pmpcfg[k]);
    for (unsigned k = 0; k < 64; ++k)
        w.put(m_pmpaddr[k]);
    return std::move(w.out);
}

Status Core::load_state(std::span<uint8_t const> state)
{
    Reader r { state };
    if (r.get() != state_magic)
        return fail("hart {}: saved state has an unknown format", hart_id);
    uint64_t nx[32], nf[32];
    for (auto& v : nx)
        v = r.get();
    for (auto& v : nf)
        v = r.get();
    uint64_t s[29];
    for (auto& v : s)
        v = r.get();
    uint64_t cfg[64], addr[64];
    for (auto& v : cfg)
        v = r.get();
    for (auto& v : addr)
        v = r.get();
    if (!r.ok || r.pos != state.size())
        return fail("hart {}: saved state is truncated or has trailing data", hart_id);
    if (s[1] != 0 && s[1] != 1 && s[1] != 3)
        return fail("hart {}: saved state has an invalid privilege mode {}", hart_id, s[1]);
    std::memcpy(x, nx, sizeof(nx));
    x[0] = 0;
    std::memcpy(f, nf, sizeof(nf));
    pc = s[0];
    priv = Priv(s[1]);
    instret = s[2];
    m_mstatus = s[3] & ms::m_writable;
    m_mie = s[4];
    m_medeleg = s[5];
    m_mideleg = s[6];
    m_mtvec = s[7];
    m_stvec = s[8];
    m_mepc = s[9];
    m_sepc = s[10];
    m_mcause = s[11];
    m_scause = s[12];
    m_mtval = s[13];
    m_stval = s[14];
    m_mscratch = s[15];
    m_sscratch = s[16];
    m_satp = s[17];
    m_mcounteren = uint32_t(s[18]);
    m_scounteren = uint32_t(s[19]);
    m_menvcfg = s[20];
    m_senvcfg = s[21];
    m_cycle_offset = s[22];
    m_seip_sw = s[23] != 0;
    m_fflags = uint32_t(s[24]) & 0x1f;
    m_frm = uint32_t(s[25]) & 7;
    m_mip.store(s[26]);
    mtimecmp_value.store(s[27]);
    stimecmp_value.store(s[28]);
    for (unsigned k = 0; k < 64; ++k) {
        m_pmpcfg[k] = uint8_t(cfg[k]);
        m_pmpaddr[k] = addr[k];
    }
    m_resv_valid = false;
    publish_instret();
    flush_tlb();
    flush_blocks();
    update_tlb_sets();
    m_local_check = true;
    return {};
}

// --- Hart: forwards to Core.

Hart::Hart(HartConfig const& config)
    : m_core(std::make_unique<Core>(config, *this))
{
}

Hart::~Hart() = default;

VcpuExit Hart::run() { return m_core->run(); }
void Hart::request_exit() { m_core->request(Core::req_exit); }
std::vector<uint8_t> Hart::save_state() const { return m_core->save_state(); }
Status Hart::load_state(std::span<uint8_t const> state) { return m_core->load_state(state); }
void Hart::reset(uint64_t pc) { m_core->reset(pc); }
unsigned Hart::hart_id() const { return m_core->hart_id; }
uint64_t Hart::pc() const { return m_core->pc; }
uint64_t Hart::reg(unsigned index) const { return index < 32 ? m_core->x[index] : 0; }

void Hart::set_reg(unsigned index, uint64_t value)
{
    if (index > 0 && index < 32)
        m_core->x[index] = value;
}

Priv Hart::priv() const { return m_core->priv; }
uint64_t Hart::instret() const { return m_core->instret; }
uint64_t Hart::retired_instructions() const { return m_core->instret_published.load(std::memory_order_relaxed); }
CodeCacheStats Hart::code_cache_stats() const { return m_core->code_cache_stats(); }
void Hart::set_interrupt_pending(uint64_t mip_bits, bool level) { m_core->set_interrupt_pending(mip_bits, level); }
void Hart::set_mtimecmp(uint64_t value) { m_core->set_mtimecmp(value); }
uint64_t Hart::mtimecmp() const { return m_core->mtimecmp_value.load(std::memory_order_relaxed); }
void Hart::set_stimecmp(uint64_t value) { m_core->set_stimecmp(value); }
void Hart::request_tlb_flush() { m_core->request(Core::req_tlb); }
void Hart::request_fence_i() { m_core->request(Core::req_fence_i); }

} // namespace xenith::riscv
