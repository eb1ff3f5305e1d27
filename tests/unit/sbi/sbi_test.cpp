// Sbi tests on real harts: each extension's calls, their errors, and guest programs that take
// the IPI and timer interrupts the SBI raises.
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "engine/dev/bus.h"
#include "engine/io/char_backend.h"
#include "engine/mem/guest_memory.h"
#include "engine/riscv/hart.h"
#include "engine/sbi/sbi.h"

namespace xenith::sbi {
namespace {

constexpr uint64_t ram = 0x80000000;
constexpr unsigned a0 = 10, a1 = 11, a2 = 12, a6 = 16, a7 = 17, s0 = 8, s1 = 9;

class CapturingBackend final : public CharBackend {
public:
    void write(std::span<uint8_t const> bytes) override { out.append(bytes.begin(), bytes.end()); }
    void set_input_handler(InputHandler) override { }
    std::string out;
};

struct SbiTest : ::testing::Test {
    static constexpr unsigned hart_count = 2;
    std::unique_ptr<GuestMemory> memory = GuestMemory::create(ram, 1 << 20).value();
    Bus bus;
    HartStates states { hart_count };
    CapturingBackend backend;
    SbiConsole console { backend };
    Sbi sbi { *memory, states, console };
    std::vector<std::unique_ptr<riscv::Hart>> harts;

    SbiTest()
    {
        std::vector<riscv::Hart*> raw;
        for (unsigned i = 0; i < hart_count; ++i) {
            harts.push_back(std::make_unique<riscv::Hart>(riscv::HartConfig { i, memory.get(), &bus, &sbi }));
            harts.back()->reset(ram);
            raw.push_back(harts.back().get());
        }
        sbi.attach_harts(raw);
        states.set_started(0);
    }

    riscv::Hart& h0() { return *harts[0]; }

    // Makes hart 0 issue an ecall with these registers; returns (a0, a1).
    std::pair<long, long> call(uint64_t eid, uint64_t fid, std::initializer_list<uint64_t> args = {}, std::optional<VcpuExit>* exit = nullptr)
    {
        h0().set_reg(a7, eid);
        h0().set_reg(a6, fid);
        unsigned r = a0;
        for (uint64_t v : args)
            h0().set_reg(r++, v);
        auto e = sbi.handle_ecall(h0());
        if (exit)
            *exit = e;
        return { long(h0().reg(a0)), long(h0().reg(a1)) };
    }

    void load_program(std::initializer_list<uint32_t> words)
    {
        uint64_t addr = ram;
        for (uint32_t w : words) {
            ASSERT_TRUE(memory->store(addr, w));
            addr += 4;
        }
    }
};

TEST_F(SbiTest, BaseReportsSpec2AndOurImplementation)
{
    EXPECT_EQ(call(eid::base, 0), std::pair(0l, 0x2000000l));
    EXPECT_EQ(call(eid::base, 1), std::pair(0l, impl_id));
    EXPECT_EQ(call(eid::base, 2).first, 0);
    for (uint64_t fid : { 4, 5, 6 })
        EXPECT_EQ(call(eid::base, fid), std::pair(0l, 0l));
}

TEST_F(SbiTest, ProbeKnowsEveryImplementedExtensionAndNothingElse)
{
    for (uint64_t e : { eid::base, eid::time, eid::ipi, eid::rfence, eid::hsm, eid::srst, eid::dbcn, eid::legacy_console_putchar })
        EXPECT_EQ(call(eid::base, 3, { e }), std::pair(0l, 1l)) << std::hex << e;
    EXPECT_EQ(call(eid::base, 3, { 0x504d55 /* PMU */ }), std::pair(0l, 0l));
    EXPECT_EQ(call(eid::base, 3, { 0x03 /* legacy clear_ipi */ }), std::pair(0l, 0l));
}

TEST_F(SbiTest, UnknownExtensionAndFunctionAreNotSupported)
{
    EXPECT_EQ(call(0x12345678, 0).first, error::not_supported);
    EXPECT_EQ(call(eid::base, 7).first, error::not_supported);
    EXPECT_EQ(call(eid::time, 1).first, error::not_supported);
    EXPECT_EQ(call(eid::hsm, 4).first, error::not_supported);
}

TEST_F(SbiTest, LegacyUnimplementedCallReturnsMinusTwoInA0AndKeepsA1)
{
    h0().set_reg(a1, 0xabcd);
    call(0x04 /* legacy send_ipi */, 0, { 0 });
    EXPECT_EQ(long(h0().reg(a0)), error::not_supported);
    EXPECT_EQ(h0().reg(a1), 0xabcdu);
}

TEST_F(SbiTest, IpiWithMaskOutsideHartsIsInvalidParam)
{
    EXPECT_EQ(call(eid::ipi, 0, { 0b100, 0 }).first, error::invalid_param);
    EXPECT_EQ(call(eid::ipi, 0, { 1, 2 }).first, error::invalid_param);
    EXPECT_EQ(call(eid::ipi, 0, { 1, ~0ull - 1 }).first, error::invalid_param); // base + bit wraps
    EXPECT_EQ(call(eid::ipi, 0, { 0, ~0ull }).first, error::success);           // base -1: every hart
    EXPECT_EQ(call(eid::ipi, 0, { 0b10, 0 }).first, error::success);
}

TEST_F(SbiTest, RfenceFormsSucceedAndHfenceIsNotSupported)
{
    EXPECT_EQ(call(eid::rfence, 0, { 0b11, 0 }).first, error::success);
    EXPECT_EQ(call(eid::rfence, 1, { 0b11, 0, 0, ~0ull }).first, error::success);
    EXPECT_EQ(call(eid::rfence, 2, { 1, 1, 0, 4096, 5 }).first, error::success);
    EXPECT_EQ(call(eid::rfence, 1, { 0b100, 0, 0, 4096 }).first, error::invalid_param);
    EXPECT_EQ(call(eid::rfence, 3, { 1, 0 }).first, error::not_supported);
}

TEST_F(SbiTest, HsmStatusOfBootHartAndStoppedHart)
{
    EXPECT_EQ(call(eid::hsm, 2, { 0 }), std::pair(0l, long(HartState::Started)));
    EXPECT_EQ(call(eid::hsm, 2, { 1 }), std::pair(0l, long(HartState::Stopped)));
    EXPECT_EQ(call(eid::hsm, 2, { 2 }).first, error::invalid_param);
}

TEST_F(SbiTest, HsmStartHandsAddressAndOpaqueToParkedHart)
{
    std::optional<HartStates::StartRequest> got;
    std::thread parked([&] { got = states.wait_for_start(1); });
    EXPECT_EQ(call(eid::hsm, 0, { 1, ram + 0x1000, 0xfeed }).first, error::success);
    parked.join();
    ASSERT_TRUE(got);
    EXPECT_EQ(got->start_addr, ram + 0x1000);
    EXPECT_EQ(got->opaque, 0xfeedu);
    EXPECT_EQ(call(eid::hsm, 2, { 1 }).second, long(HartState::StartPending));
}

TEST_F(SbiTest, HsmStartErrors)
{
    EXPECT_EQ(call(eid::hsm, 0, { 0, ram, 0 }).first, error::already_available); // hart 0 runs
    EXPECT_EQ(call(eid::hsm, 0, { 7, ram, 0 }).first, error::invalid_param);
    EXPECT_EQ(call(eid::hsm, 0, { 1, 0x1000, 0 }).first, error::invalid_address);
    EXPECT_EQ(call(eid::hsm, 0, { 1, ram + (1 << 20) - 2, 0 }).first, error::invalid_address);
    EXPECT_EQ(call(eid::hsm, 0, { 1, ram, 0 }).first, error::success);
    EXPECT_EQ(call(eid::hsm, 0, { 1, ram, 0 }).first, error::already_available); // already pending
}

TEST_F(SbiTest, HsmStopExitsTheHartAsStopped)
{
    std::optional<VcpuExit> exit;
    EXPECT_EQ(call(eid::hsm, 1, {}, &exit).first, error::success);
    ASSERT_TRUE(exit);
    EXPECT_EQ(exit->reason, VcpuExit::Reason::Stopped);
    EXPECT_EQ(states.state(0), HartState::StopPending);
    EXPECT_EQ(call(eid::hsm, 1, {}, &exit).first, error::failed); // not started any more
}

TEST_F(SbiTest, HsmSuspendDefaultRetentiveReturnsAndOthersAreRejected)
{
    EXPECT_EQ(call(eid::hsm, 3, { 0, 0, 0 }).first, error::success);
    EXPECT_EQ(call(eid::hsm, 3, { 0x80000000, ram, 0 }).first, error::not_supported);
    EXPECT_EQ(call(eid::hsm, 3, { 0x1, 0, 0 }).first, error::invalid_param);
    EXPECT_EQ(call(eid::hsm, 3, { 0x80000001, 0, 0 }).first, error::invalid_param);
}

TEST_F(SbiTest, SrstShutdownRebootAndFailureBecomeShutdownExits)
{
    std::optional<VcpuExit> exit;
    call(eid::srst, 0, { 0, 0 }, &exit);
    ASSERT_TRUE(exit);
    EXPECT_EQ(exit->reason, VcpuExit::Reason::Shutdown);
    EXPECT_EQ(exit->code, 0u);
    call(eid::srst, 0, { 2, 1 }, &exit);
    ASSERT_TRUE(exit);
    EXPECT_EQ(exit->code, 2u | 1ull << 32);
}

TEST_F(SbiTest, SrstInvalidTypesAndReasons)
{
    std::optional<VcpuExit> exit;
    EXPECT_EQ(call(eid::srst, 0, { 3, 0 }, &exit).first, error::invalid_param);
    EXPECT_FALSE(exit);
    EXPECT_EQ(call(eid::srst, 0, { 0xf0000000, 0 }, &exit).first, error::not_supported);
    EXPECT_EQ(call(eid::srst, 0, { 0, 2 }, &exit).first, error::invalid_param);
    EXPECT_EQ(call(eid::srst, 0, { 1ull << 32, 0 }, &exit).first, error::invalid_param);
    EXPECT_FALSE(exit);
}

TEST_F(SbiTest, DbcnWriteCopiesGuestBufferToConsole)
{
    std::string text = "hello, dbcn";
    ASSERT_TRUE(memory->write(ram + 0x100, std::span(reinterpret_cast<uint8_t const*>(text.data()), text.size())));
    EXPECT_EQ(call(eid::dbcn, 0, { text.size(), ram + 0x100, 0 }), std::pair(0l, long(text.size())));
    EXPECT_EQ(backend.out, text);
}

TEST_F(SbiTest, DbcnBufferOutsideRamIsInvalidParam)
{
    EXPECT_EQ(call(eid::dbcn, 0, { 16, 0x1000, 0 }).first, error::invalid_param);
    EXPECT_EQ(call(eid::dbcn, 0, { 16, ram + (1 << 20) - 8, 0 }).first, error::invalid_param);
    EXPECT_EQ(call(eid::dbcn, 0, { ~0ull, ram, 0 }).first, error::invalid_param);
    EXPECT_EQ(call(eid::dbcn, 0, { 1, ram, 1 }).first, error::invalid_param); // high half set
    EXPECT_EQ(call(eid::dbcn, 1, { 16, 0x1000, 0 }).first, error::invalid_param);
    EXPECT_TRUE(backend.out.empty());
}

TEST_F(SbiTest, DbcnReadDeliversPendingInputOnly)
{
    EXPECT_EQ(call(eid::dbcn, 1, { 8, ram + 0x200, 0 }), std::pair(0l, 0l));
    uint8_t typed[] = { 'a', 'b', 'c' };
    console.push_input(typed);
    EXPECT_EQ(call(eid::dbcn, 1, { 2, ram + 0x200, 0 }), std::pair(0l, 2l));
    EXPECT_EQ(memory->load<uint16_t>(ram + 0x200).value(), 'a' | 'b' << 8);
    EXPECT_EQ(call(eid::dbcn, 1, { 8, ram + 0x200, 0 }), std::pair(0l, 1l));
}

TEST_F(SbiTest, DbcnWriteByteAndLegacyPutchar)
{
    call(eid::dbcn, 2, { 'x' });
    call(eid::legacy_console_putchar, 0, { 'y' });
    EXPECT_EQ(backend.out, "xy");
}

TEST_F(SbiTest, LegacyGetcharIsMinusOneWithoutInput)
{
    call(eid::legacy_console_getchar, 0);
    EXPECT_EQ(long(h0().reg(a0)), -1);
    uint8_t typed[] = { 'q' };
    console.push_input(typed);
    call(eid::legacy_console_getchar, 0);
    EXPECT_EQ(h0().reg(a0), uint64_t('q'));
}

TEST_F(SbiTest, LegacyShutdownExits)
{
    std::optional<VcpuExit> exit;
    call(eid::legacy_shutdown, 0, {}, &exit);
    ASSERT_TRUE(exit);
    EXPECT_EQ(exit->reason, VcpuExit::Reason::Shutdown);
    EXPECT_EQ(exit->code, 0u);
}

// Guest program, assembled with riscv64-linux-gnu-as/ld at 0x80000000:
//     la t0, handler; csrw stvec, t0; li t0, 0x22; csrs sie, t0; csrsi sstatus, 2
//     li a7, 0x735049; li a6, 0; li a0, 1; li a1, 0; ecall; mv s1, a0     # send_ipi(hart 0)
//  1: wfi; j 1b
//  handler: csrr s0, scause; li a7, 0x53525354; li a6, 0; li a0, 0; li a1, 0; ecall  # SRST
TEST_F(SbiTest, SendIpiToSelfRaisesSupervisorSoftwareInterrupt)
{
    load_program({ 0x00000297, 0x03428293, 0x10529073, 0x02200293, 0x1042a073, 0x10016073, 0x007358b7, 0x0498889b,
        0x45054801, 0x00734581, 0x84aa0000, 0x10500073, 0x0001bff5, 0x14202473, 0x535258b7, 0x3548889b, 0x45014801,
        0x00734581, 0xa0010000 });
    VcpuExit exit = h0().run();
    EXPECT_EQ(exit.reason, VcpuExit::Reason::Shutdown);
    EXPECT_EQ(h0().reg(s1), 0u);                  // send_ipi's error
    EXPECT_EQ(h0().reg(s0), (1ull << 63) | 1);    // supervisor software interrupt
}

// Same shape, with the ecall replaced by: rdtime a0; addi a0, a0, 1000; li a7, 0x54494d45;
// li a6, 0; ecall (set_timer(now + 100 us)).
TEST_F(SbiTest, SetTimerRaisesSupervisorTimerInterruptAtDeadline)
{
    load_program({ 0x00000297, 0x03828293, 0x10529073, 0x02200293, 0x1042a073, 0x10016073, 0xc0102573, 0x3e850513,
        0x544958b7, 0xd458889b, 0x00734801, 0x84aa0000, 0x10500073, 0x0001bff5, 0x14202473, 0x535258b7, 0x3548889b,
        0x45014801, 0x00734581, 0xa0010000 });
    VcpuExit exit = h0().run();
    EXPECT_EQ(exit.reason, VcpuExit::Reason::Shutdown);
    EXPECT_EQ(h0().reg(s1), 0u);
    EXPECT_EQ(h0().reg(s0), (1ull << 63) | 5); // supervisor timer interrupt
}

} // namespace
} // namespace xenith::sbi
