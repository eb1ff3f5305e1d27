// TestMachine: a hart, RAM at 0x80000000 and a tiny MMIO "exit" device, with programs
// assembled by Debian's riscv64 cross binutils at test run time.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "engine/dev/bus.h"
#include "engine/mem/guest_memory.h"
#include "engine/riscv/hart.h"

namespace xenith::riscv::test {

inline constexpr uint64_t ram_base = 0x80000000;
inline constexpr uint64_t exit_base = 0x100000;

// A store to it records the value and asks the hart to stop; loads read 0x5a.
class ExitDevice final : public MmioDevice {
public:
    std::string_view name() const override { return "test-exit"; }
    uint64_t read(uint64_t, unsigned) override { return 0x5a; }
    void write(uint64_t offset, uint64_t value, unsigned) override
    {
        if (offset == 0) {
            code = value;
            exited = true;
            if (hart)
                hart->request_exit();
        } else {
            last_write = value;
        }
    }
    Hart* hart { nullptr };
    std::atomic<bool> exited { false };
    uint64_t code { 0 };
    uint64_t last_write { 0 };
};

// Assembles `source` (linked at `base`) and returns the flat binary; fails the test on errors.
inline std::vector<uint8_t> assemble(std::string const& source, uint64_t base = ram_base)
{
    char dir_template[] = "/tmp/xenith-hart-test-XXXXXX";
    char* dir = mkdtemp(dir_template);
    EXPECT_NE(dir, nullptr);
    std::string d = dir ? dir : "/tmp";
    {
        std::ofstream out(d + "/t.s");
        out << ".option norelax\n.text\n.globl _start\n_start:\n" << source << "\n";
    }
    char base_str[32];
    std::snprintf(base_str, sizeof base_str, "%#llx", (unsigned long long)base);
    std::string cmd = "cd " + d + " && riscv64-linux-gnu-as -march=rv64gc_zba_zbb_zbs -o t.o t.s 2> err.txt"
        + " && riscv64-linux-gnu-ld -Ttext=" + base_str + " -o t.elf t.o 2>> err.txt"
        + " && riscv64-linux-gnu-objcopy -O binary t.elf t.bin 2>> err.txt";
    int rc = std::system(cmd.c_str());
    std::ifstream err(d + "/err.txt");
    std::stringstream err_text;
    err_text << err.rdbuf();
    EXPECT_EQ(rc, 0) << "assembling failed (needs binutils-riscv64-linux-gnu):\n" << err_text.str() << source;
    std::ifstream bin(d + "/t.bin", std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(bin)), std::istreambuf_iterator<char>());
    std::system(("rm -rf " + d).c_str());
    return bytes;
}

// Ends a test program: x31 = exit device, store a0 to it, then spin.
inline constexpr char const* exit_seq = R"(
    li t6, 0x100000
    sw a0, 0(t6)
99: j 99b
)";

class TestMachine {
public:
    // code_cache_bytes: the hart's decoded-block budget (0: the engine's default); jit_hot_entries:
    // see HartConfig (1 compiles every block at its first entry, 0 interprets only).
    explicit TestMachine(SbiHandler* sbi = nullptr, uint64_t ram_size = 16u << 20, size_t code_cache_bytes = 0,
        uint32_t jit_hot_entries = default_jit_hot_entries)
    {
        auto m = GuestMemory::create(ram_base, ram_size);
        EXPECT_TRUE(m.has_value());
        memory = std::move(*m);
        EXPECT_TRUE(bus.map(exit_base, 0x1000, exit_device).has_value());
        hart = std::make_unique<Hart>(HartConfig { 0, memory.get(), &bus, sbi, code_cache_bytes, jit_hot_entries });
        exit_device.hart = hart.get();
    }

    // Loads the program at RAM base and resets the hart there.
    void load(std::string const& source)
    {
        auto bytes = assemble(source);
        ASSERT_FALSE(bytes.empty());
        ASSERT_TRUE(memory->write(ram_base, bytes).has_value());
        hart->reset(ram_base);
    }

    // Runs the hart; a watchdog stops a program that never finishes, so a broken test fails instead of hanging.
    VcpuExit run(std::chrono::seconds limit = std::chrono::seconds(20))
    {
        std::mutex mutex;
        std::condition_variable done_cv;
        bool done = false;
        std::thread watchdog([&] {
            std::unique_lock lock(mutex);
            if (!done_cv.wait_for(lock, limit, [&] { return done; }))
                hart->request_exit();
        });
        VcpuExit e = hart->run();
        {
            std::lock_guard lock(mutex);
            done = true;
        }
        done_cv.notify_one();
        watchdog.join();
        return e;
    }

    // Runs and expects the program to reach the exit device.
    void run_to_exit()
    {
        run();
        ASSERT_TRUE(exit_device.exited.load()) << "program did not reach the exit device; pc " << std::hex
                                               << hart->pc();
    }

    uint64_t reg(unsigned r) const { return hart->reg(r); }

    template<typename T>
    T ram(uint64_t gpa) const
    {
        auto v = memory->load<T>(gpa);
        EXPECT_TRUE(v.has_value());
        return v.value_or(T {});
    }

    std::unique_ptr<GuestMemory> memory;
    Bus bus;
    ExitDevice exit_device;
    std::unique_ptr<Hart> hart;
};

// Register numbers by ABI name, for readable assertions.
enum Reg : unsigned {
    zero = 0, ra, sp, gp, tp, t0, t1, t2, s0, s1, a0, a1, a2, a3, a4, a5, a6, a7,
    s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, t3, t4, t5, t6,
};

} // namespace xenith::riscv::test
