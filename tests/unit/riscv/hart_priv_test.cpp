// Hart privileged-architecture tests: traps, delegation, interrupts, WFI, the MMU and PV mode.
#include <chrono>
#include <thread>
#include <ctime>

#include "engine/riscv/timebase.h"
#include "riscv/test_machine.h"

namespace xenith::riscv::test {
namespace {

constexpr char const* m_trap_exit = R"(
    la t0, trap
    csrw mtvec, t0
    j main
    .balign 4
trap:
    csrr s8, mcause
    csrr s9, mepc
    csrr s10, mtval
    li a0, 0xdead
    li t6, 0x100000
    sw a0, 0(t6)
98: j 98b
main:
)";

std::string program(std::string const& body) { return std::string(m_trap_exit) + body + exit_seq; }

double thread_cpu_seconds()
{
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

TEST(HartTrap, EcallFromUserDelegatedToSupervisor)
{
    TestMachine m;
    m.load(program(R"(
    la t0, strap
    csrw stvec, t0
    li t0, 1 << 8
    csrw medeleg, t0
    la t0, user
    csrw mepc, t0
    li t0, 3 << 11
    csrc mstatus, t0
    la s5, ecall_at
    mret
user:
    li s1, 7
ecall_at:
    ecall
    .balign 4
strap:
    csrr s2, scause
    csrr s3, sepc
    csrr s4, sstatus
    li a0, 0
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s1), 7u);
    EXPECT_EQ(m.reg(s2), 8u);
    EXPECT_EQ(m.reg(s3), m.reg(s5));
    EXPECT_EQ(m.reg(s4) & (1u << 8), 0u); // SPP = U
    EXPECT_EQ(m.hart->priv(), Priv::S);
}

TEST(HartTrap, EcallFromUserNotDelegatedGoesToMachine)
{
    TestMachine m;
    m.load(program(R"(
    la t0, user
    csrw mepc, t0
    li t0, 3 << 11
    csrc mstatus, t0
    mret
user:
    ecall
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s8), 8u);
    EXPECT_EQ(m.hart->priv(), Priv::M);
}

TEST(HartTrap, MretToUserThenPrivilegedCsrIsIllegal)
{
    TestMachine m;
    m.load(program(R"(
    la t0, user
    csrw mepc, t0
    li t0, 3 << 11
    csrc mstatus, t0
    mret
user:
    csrr a1, sstatus
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s8), 2u);
}

TEST(HartTrap, SretTrapsWhenTsrIsSet)
{
    TestMachine m;
    m.load(program(R"(
    li t0, 1 << 22      # TSR
    csrs mstatus, t0
    la t0, smode
    csrw mepc, t0
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0
    mret
smode:
    sret
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s8), 2u);
    EXPECT_EQ(m.reg(s10), 0x10200073u);
}

TEST(HartTrap, CounterenGatesTimeInSupervisor)
{
    TestMachine m;
    m.load(program(R"(
    la t0, smode
    csrw mepc, t0
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0
    mret
smode:
    rdtime a1
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s8), 2u);
}

TEST(HartInterrupt, ExternalInterruptTakenInMachineMode)
{
    TestMachine m;
    m.load(program(R"(
    li t0, 1 << 11
    csrw mie, t0
    csrsi mstatus, 8
1:  j 1b
)"));
    m.hart->set_interrupt_pending(irq::MEIP, true);
    m.run_to_exit();
    EXPECT_EQ(m.reg(s8), (1ull << 63) | 11);
}

TEST(HartInterrupt, PriorityMeiBeforeMsiBeforeMti)
{
    TestMachine m;
    m.load(program(R"(
    li t0, 0x888
    csrw mie, t0
    csrsi mstatus, 8
1:  j 1b
)"));
    m.hart->set_interrupt_pending(irq::MSIP | irq::MEIP, true);
    m.hart->set_mtimecmp(0);
    m.run_to_exit();
    EXPECT_EQ(m.reg(s8), (1ull << 63) | 11);
}

TEST(HartInterrupt, TimerInterruptFromMtimecmp)
{
    TestMachine m;
    m.load(program(R"(
    li t0, 1 << 7
    csrw mie, t0
    csrsi mstatus, 8
1:  j 1b
)"));
    m.hart->set_mtimecmp(mtime_now() + timebase_hz / 100); // 10 ms
    auto start = std::chrono::steady_clock::now();
    m.run_to_exit();
    auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(m.reg(s8), (1ull << 63) | 7);
    EXPECT_GE(elapsed, std::chrono::milliseconds(9));
    EXPECT_LT(elapsed, std::chrono::milliseconds(500));
}

TEST(HartInterrupt, DelegatedSupervisorInterruptWaitsForSupervisorMode)
{
    TestMachine m;
    m.load(program(R"(
    la t0, strap
    csrw stvec, t0
    li t0, 2
    csrw mideleg, t0
    csrw mie, t0
    csrsi mstatus, 8      # MIE: irrelevant for a delegated interrupt
    csrsi mip, 2          # SSIP pending, but M-mode never takes it
    li s1, 1
    la t0, smode
    csrw mepc, t0
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0
    mret
smode:
    li s2, 1
    csrsi sstatus, 2      # SIE: now it is taken
    li s3, 1
    .balign 4
strap:
    csrr s4, scause
    li a0, 0
)"));
    m.run_to_exit();
    EXPECT_EQ(m.reg(s1), 1u);
    EXPECT_EQ(m.reg(s2), 1u);
    EXPECT_EQ(m.reg(s3), 0u);
    EXPECT_EQ(m.reg(s4), (1ull << 63) | 1);
}

TEST(HartInterrupt, MachineInterruptPreemptsSupervisorEvenWithMieClear)
{
    TestMachine m;
    m.load(program(R"(
    li t0, 1 << 11
    csrw mie, t0
    la t0, smode
    csrw mepc, t0
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0
    mret
smode:
1:  j 1b
)"));
    m.hart->set_interrupt_pending(irq::MEIP, true);
    m.run_to_exit();
    EXPECT_EQ(m.reg(s8), (1ull << 63) | 11);
}

TEST(HartInterrupt, VectoredModeJumpsToCauseSlot)
{
    TestMachine m;
    m.load(program(R"(
    .option push
    .option norvc
    la t0, vec
    ori t0, t0, 1
    csrw mtvec, t0
    li t0, 1 << 3
    csrw mie, t0
    csrsi mstatus, 8
1:  j 1b
    .balign 4
vec:
    j bad
    j bad
    j bad
    j msi
bad:
    li a0, 0xbad
    j out
msi:
    li a0, 3
out:
    .option pop
)"));
    m.hart->set_interrupt_pending(irq::MSIP, true);
    m.run_to_exit();
    EXPECT_EQ(m.exit_device.code, 3u);
}

TEST(HartWfi, BlocksWithoutCpuUntilInterruptFromAnotherThread)
{
    TestMachine m;
    m.load(program(R"(
    li t0, 1 << 11
    csrw mie, t0          # enabled in mie, globally disabled: WFI still wakes
    wfi
    csrr s1, mip
    li a0, 0
)"));
    std::thread poker([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        m.hart->set_interrupt_pending(irq::MEIP, true);
    });
    double cpu0 = thread_cpu_seconds();
    auto start = std::chrono::steady_clock::now();
    m.run_to_exit();
    auto elapsed = std::chrono::steady_clock::now() - start;
    double cpu = thread_cpu_seconds() - cpu0;
    poker.join();
    EXPECT_EQ(m.reg(s1) & irq::MEIP, irq::MEIP);
    EXPECT_GE(elapsed, std::chrono::milliseconds(90));
    EXPECT_LT(cpu, 0.03) << "WFI must not spin";
}

TEST(HartWfi, WakesOnTimerDeadline)
{
    TestMachine m;
    m.load(program(R"(
    li t0, 1 << 7
    csrw mie, t0
    wfi
    csrr s1, mip
    li a0, 0
)"));
    m.hart->set_mtimecmp(mtime_now() + timebase_hz / 20); // 50 ms
    double cpu0 = thread_cpu_seconds();
    auto start = std::chrono::steady_clock::now();
    m.run_to_exit();
    auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(m.reg(s1) & irq::MTIP, irq::MTIP);
    EXPECT_GE(elapsed, std::chrono::milliseconds(45));
    EXPECT_LT(thread_cpu_seconds() - cpu0, 0.03);
}

TEST(HartRun, RequestExitStopsASpinningGuest)
{
    TestMachine m;
    m.load(R"(
1:  addi a0, a0, 1
    j 1b
)");
    std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        m.hart->request_exit();
    });
    VcpuExit e = m.run();
    stopper.join();
    EXPECT_EQ(e.reason, VcpuExit::Reason::Requested);
    EXPECT_GT(m.reg(a0), 1000u);
}

TEST(HartRun, SaveAndLoadStateRoundTrip)
{
    TestMachine m;
    m.load(program(R"(
    li s1, 0x1234
    csrw mscratch, s1
    li a0, 0
)"));
    m.run_to_exit();
    auto state = m.hart->save_state();
    TestMachine other;
    ASSERT_TRUE(other.hart->load_state(state).has_value());
    EXPECT_EQ(other.reg(s1), 0x1234u);
    EXPECT_EQ(other.hart->pc(), m.hart->pc());
    state.pop_back();
    EXPECT_FALSE(other.hart->load_state(state).has_value());
}

// --- MMU

constexpr uint64_t V = 1, R = 2, W = 4, X = 8, U = 16, A = 64, D = 128;

uint64_t pte(uint64_t pa, uint64_t flags) { return ((pa >> 12) << 10) | flags; }

// Traps go to M, which logs (mcause, mtval) at s11 and resumes after the faulting instruction
// (or at ra for a fetch fault).
constexpr char const* logging_trap = R"(
    .option norvc
    li s11, 0x80500000
    la t0, trap
    csrw mtvec, t0
    j main
    .balign 4
trap:
    csrr t5, mcause
    sd t5, 0(s11)
    csrr t5, mtval
    sd t5, 8(s11)
    addi s11, s11, 16
    csrr t5, mcause
    li t4, 12
    bne t5, t4, 1f
    csrw mepc, ra         # fetch fault: return to the caller
    mret
1:  csrr t5, mepc
    addi t5, t5, 4
    csrw mepc, t5
    mret
main:
)";

constexpr char const* enter_s = R"(
    la t0, smode
    csrw mepc, t0
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0
    mret
smode:
)";

void build_sv39_tables(TestMachine& m)
{
    auto put = [&](uint64_t a, uint64_t v) { ASSERT_TRUE(m.memory->store<uint64_t>(a, v).has_value()); };
    uint64_t root = 0x80200000, l1 = 0x80201000, l0 = 0x80202000;
    put(root + 0 * 8, pte(0, V | R | W | A | D));                // MMIO, identity
    put(root + 2 * 8, pte(0x80000000, V | R | W | X | A | D));   // RAM, identity
    put(root + 1 * 8, pte(l1, V));
    put(l1 + 0 * 8, pte(l0, V));
    put(l0 + 0 * 8, pte(0x80300000, V | R | W));           // A/D clear
    put(l0 + 2 * 8, pte(0x80301000, V | R | W | U | A | D)); // user page
    put(l0 + 3 * 8, pte(0x80302000, V | X | A));           // execute-only
    put(l0 + 4 * 8, pte(0x80303000, V | R | A));           // read-only
    put(l1 + 1 * 8, pte(0x80301000, V | R | W | A | D));   // misaligned 2 MiB superpage
    put(l1 + 2 * 8, pte(0x80400000, V | R | W | A | D));   // aligned 2 MiB superpage
}

TEST(HartMmu, Sv39PermissionsFaultsAccessedDirtyAndSuperpages)
{
    TestMachine m;
    m.load(std::string(logging_trap) + R"(
    li t0, (8 << 60) | (0x80200000 >> 12)
    csrw satp, t0
    li t0, (1 << 17) | (1 << 11)   # MPRV with MPP = S: M-mode loads are translated
    csrs mstatus, t0
    li a1, 0x40000000
    ld s6, 0(a1)
    li t0, 1 << 17
    csrc mstatus, t0
)" + enter_s + R"(
    li a1, 0x40000000
    li a3, 0x80202000
    ld s1, 0(a1)
    ld s2, 0(a3)          # PTE after a read: A set, D clear
    sd a1, 8(a1)
    ld s3, 0(a3)          # after a write: D set
    li a2, 0x40001000
    ld t0, 0(a2)          # invalid PTE
    li a2, 0x40002000
    ld t0, 0(a2)          # U page, SUM clear
    li t1, 1 << 18
    csrs sstatus, t1
    ld s4, 0(a2)          # U page, SUM set
    li a2, 0x40003000
    ld t0, 0(a2)          # execute-only, MXR clear
    li t1, 1 << 19
    csrs sstatus, t1
    ld s5, 0(a2)          # execute-only, MXR set
    li a2, 0x40004000
    sd t0, 0(a2)          # read-only
    li a2, 0x40200000
    ld t0, 0(a2)          # misaligned superpage
    li a2, 0x40400000
    sd a1, 0x10(a2)       # superpage
    li a2, 0x4000000000
    ld t0, 0(a2)          # not canonical for Sv39
    li a0, 0
)" + exit_seq);
    build_sv39_tables(m);
    ASSERT_TRUE(m.memory->store<uint64_t>(0x80301000, 0x5555).has_value());
    ASSERT_TRUE(m.memory->store<uint64_t>(0x80302000, 0x6666).has_value());
    m.run_to_exit();
    EXPECT_EQ(m.reg(s2) & (A | D), A);
    EXPECT_EQ(m.reg(s3) & (A | D), A | D);
    EXPECT_EQ(m.reg(s4), 0x5555u);
    EXPECT_EQ(m.reg(s5), 0x6666u);
    EXPECT_EQ(m.ram<uint64_t>(0x80300008), 0x40000000u);
    EXPECT_EQ(m.ram<uint64_t>(0x80400010), 0x40000000u);
    std::vector<std::pair<uint64_t, uint64_t>> log;
    for (uint64_t a = 0x80500000; a < m.reg(s11); a += 16)
        log.emplace_back(m.ram<uint64_t>(a), m.ram<uint64_t>(a + 8));
    std::vector<std::pair<uint64_t, uint64_t>> expected {
        { 13, 0x40001000 },
        { 13, 0x40002000 },
        { 13, 0x40003000 },
        { 15, 0x40004000 },
        { 13, 0x40200000 },
        { 13, 0x4000000000 },
    };
    EXPECT_EQ(log, expected);
}

// Jumps into a code page whose mapping the guest then changes: an indirect jump into one remapped
// page, and from there a direct jump into another. Successors in other pages are cached by virtual
// address (the jump cache), so after sfence.vma (by address, then all) the new mapping must run.
TEST(HartMmu, RemappedCodePagesRunTheirNewCodeAfterSfenceVma)
{
    TestMachine m;
    m.load(std::string(logging_trap) + R"(
    li t0, (8 << 60) | (0x80200000 >> 12)
    csrw satp, t0
)" + enter_s + R"(
    li s1, 0x40004000
    li s5, 0x80202000 + 5 * 8         # the PTE of 0x40005000
    li s6, 0x40005000
    jalr ra, 0(s1)
    mv s2, a0
    jalr ra, 0(s1)
    add s2, s2, a0                    # 1 + 1, the second time through cached successors
    li t0, ((0x80311000 >> 12) << 10) | 0x4b   # V R X A
    sd t0, 0(s5)
    sfence.vma s6, zero
    jalr ra, 0(s1)
    mv s3, a0                         # 2
    li t0, ((0x80310000 >> 12) << 10) | 0x4b
    sd t0, 0(s5)
    sfence.vma zero, zero
    jalr ra, 0(s1)
    mv s4, a0                         # 1
    li a0, 0
)" + exit_seq);
    auto put = [&](uint64_t a, uint64_t v) { ASSERT_TRUE(m.memory->store<uint64_t>(a, v).has_value()); };
    uint64_t root = 0x80200000, l1 = 0x80201000, l0 = 0x80202000;
    put(root + 0 * 8, pte(0, V | R | W | A | D));              // MMIO, identity
    put(root + 2 * 8, pte(0x80000000, V | R | W | X | A | D)); // RAM, identity
    put(root + 1 * 8, pte(l1, V));
    put(l1 + 0 * 8, pte(l0, V));
    put(l0 + 4 * 8, pte(0x80312000, V | R | X | A));
    put(l0 + 5 * 8, pte(0x80310000, V | R | X | A));
    // 0x40004000 calls 0x40005000 with a direct jal; 0x40005000 is 0x80310000 (a0 = 1) or
    // 0x80311000 (a0 = 2).
    auto pages = assemble(R"(
    mv t3, ra
    jal ra, next
    mv ra, t3
    ret
    .balign 4096
next:
    li a0, 1
    ret
)", 0x40004000);
    ASSERT_GT(pages.size(), 4096u);
    std::vector<uint8_t> first(pages.begin(), pages.begin() + 4096), second(pages.begin() + 4096, pages.end());
    ASSERT_TRUE(m.memory->write(0x80312000, first).has_value());
    ASSERT_TRUE(m.memory->write(0x80310000, second).has_value());
    ASSERT_TRUE(m.memory->write(0x80311000, assemble("    li a0, 2\n    ret\n", 0x40005000)).has_value());
    m.run_to_exit();
    EXPECT_EQ(m.reg(s2), 2u);
    EXPECT_EQ(m.reg(s3), 2u);
    EXPECT_EQ(m.reg(s4), 1u);
    EXPECT_EQ(m.reg(s11), 0x80500000u) << "unexpected trap, mcause " << m.ram<uint64_t>(0x80500000);
}

TEST(HartMmu, Sv48FourLevelWalkAndFetchPageFault)
{
    TestMachine m;
    auto put = [&](uint64_t a, uint64_t v) { ASSERT_TRUE(m.memory->store<uint64_t>(a, v).has_value()); };
    m.load(std::string(logging_trap) + R"(
    li t0, (9 << 60) | (0x80200000 >> 12)
    csrw satp, t0
)" + enter_s + R"(
    li a1, 0x40000000
    ld s1, 0(a1)
    li a2, 0x8000000000    # L3 index 1: invalid
    ld t0, 0(a2)
    la t0, back
    li a2, 0x40001000      # no execute permission: fetch page fault
    jalr a2
back:
    li a0, 0
)" + exit_seq);
    uint64_t l3 = 0x80200000, l2 = 0x80201000, l1 = 0x80202000, l0 = 0x80203000;
    put(l3, pte(l2, V));
    put(l2 + 0 * 8, pte(0, V | R | W | A | D));
    put(l2 + 2 * 8, pte(0x80000000, V | R | W | X | A | D));
    put(l2 + 1 * 8, pte(l1, V));
    put(l1, pte(l0, V));
    put(l0, pte(0x80300000, V | R | W | A | D));
    put(l0 + 8, pte(0x80301000, V | R | W | A | D));
    put(0x80300000, 0x77);
    m.run_to_exit();
    EXPECT_EQ(m.reg(s1), 0x77u);
    EXPECT_EQ(m.ram<uint64_t>(0x80500000), 13u);
    EXPECT_EQ(m.ram<uint64_t>(0x80500008), 0x8000000000u);
    EXPECT_EQ(m.ram<uint64_t>(0x80500010), 12u);
    EXPECT_EQ(m.ram<uint64_t>(0x80500018), 0x40001000u);
}

// --- PV mode

class RecordingSbi final : public SbiHandler {
public:
    std::optional<VcpuExit> handle_ecall(Hart& hart) override
    {
        ++calls;
        last_eid = hart.reg(17);
        if (last_eid == 0x53525354)
            return VcpuExit { VcpuExit::Reason::Shutdown, hart.reg(10) };
        hart.set_reg(10, 0);
        hart.set_reg(11, 123);
        return std::nullopt;
    }
    int calls { 0 };
    uint64_t last_eid { 0 };
};

TEST(HartPv, ResetsInSupervisorAndEcallsReachTheSbiHandler)
{
    RecordingSbi sbi;
    TestMachine m(&sbi);
    m.load(R"(
    li a7, 0x10
    li a6, 0
    ecall
    mv s1, a1
    rdtime s2
    li a7, 0x53525354
    li a0, 0
    ecall
)");
    EXPECT_EQ(m.hart->priv(), Priv::S);
    VcpuExit e = m.run();
    EXPECT_EQ(e.reason, VcpuExit::Reason::Shutdown);
    EXPECT_EQ(sbi.calls, 2);
    EXPECT_EQ(m.reg(s1), 123u);
    EXPECT_NE(m.reg(s2), 0u);
}

TEST(HartPv, StimecmpRaisesSupervisorTimerInterrupt)
{
    RecordingSbi sbi;
    TestMachine m(&sbi);
    m.load(R"(
    la t0, strap
    csrw stvec, t0
    li t0, 1 << 5
    csrw sie, t0
    csrsi sstatus, 2
1:  j 1b
    .balign 4
strap:
    csrr s1, scause
    li a7, 0x53525354
    ecall
)");
    m.hart->set_stimecmp(mtime_now() + timebase_hz / 200);
    VcpuExit e = m.run();
    EXPECT_EQ(e.reason, VcpuExit::Reason::Shutdown);
    EXPECT_EQ(m.reg(s1), (1ull << 63) | 5);
}

TEST(HartPv, UserEcallIsDelegatedToSupervisor)
{
    RecordingSbi sbi;
    TestMachine m(&sbi);
    m.load(R"(
    la t0, strap
    csrw stvec, t0
    la t0, user
    csrw sepc, t0
    sret
user:
    ecall
    .balign 4
strap:
    csrr s1, scause
    li a7, 0x53525354
    ecall
)");
    m.run();
    EXPECT_EQ(m.reg(s1), 8u);
    EXPECT_EQ(sbi.calls, 1);
}

TEST(HartPv, UserModeMayReadTimeAsUnderOpenSbi)
{
    RecordingSbi sbi;
    TestMachine m(&sbi);
    m.load(R"(
    la t0, strap
    csrw stvec, t0
    la t0, user
    csrw sepc, t0
    sret
user:
    rdtime s2
    rdcycle s3
    ecall
    .balign 4
strap:
    csrr s1, scause
    li a7, 0x53525354
    ecall
)");
    m.run();
    EXPECT_EQ(m.reg(s1), 8u) << "rdtime in U-mode must not trap in a PV domain";
    EXPECT_NE(m.reg(s2), 0u);
}

// --- Speed: reports MIPS for an arithmetic + load/store loop.

TEST(HartBench, ArithmeticLoadStoreLoopMips)
{
    TestMachine m;
    m.load(program(R"(
    li a1, 0x80100000
    li a2, 20000000
    li a3, 0
1:  ld t0, 0(a1)
    add t0, t0, a2
    xor a3, a3, t0
    sd t0, 8(a1)
    slli t1, a3, 3
    srli t2, a3, 5
    add a3, t1, t2
    addi a2, a2, -1
    bnez a2, 1b
    li a0, 0
)"));
    double cpu0 = thread_cpu_seconds();
    m.run_to_exit();
    double seconds = thread_cpu_seconds() - cpu0; // CPU time: the machine may be shared
    double mips = double(m.hart->instret()) / seconds / 1e6;
    std::printf("[ bench    ] %.0f MIPS (%llu instructions in %.3f s of CPU)\n", mips,
        (unsigned long long)m.hart->instret(), seconds);
    EXPECT_GT(m.hart->instret(), 180'000'000u);
}

} // namespace
} // namespace xenith::riscv::test

namespace xenith::riscv::test {
namespace {

// OpenSBI delivers IPIs with csrs mip, SSIP while the PLIC may hold SEIP: that read-modify-write
// must not turn the external SEIP into a latched software SEIP (an endless interrupt storm).
TEST(HartInterrupt, CsrsMipDoesNotLatchExternalSeip)
{
    TestMachine m;
    m.load(R"(
    csrsi mip, 2
    li t6, 0x100000
    sw zero, 0(t6)        # pause: the host drops SEIP and sets the flag
    li t1, 0x80100000
1:  lw t0, 0(t1)
    beqz t0, 1b
    csrr a0, mip
    sw a0, 0(t6)
2:  j 2b
)");
    m.hart->set_interrupt_pending(irq::SEIP, true);
    m.run_to_exit();
    m.hart->set_interrupt_pending(irq::SEIP, false);
    ASSERT_TRUE(m.memory->store<uint32_t>(0x80100000, 1).has_value());
    m.exit_device.exited = false;
    m.run_to_exit();
    EXPECT_EQ(m.exit_device.code & irq::SEIP, 0u);
    EXPECT_EQ(m.exit_device.code & irq::SSIP, irq::SSIP);
}

} // namespace
} // namespace xenith::riscv::test
