// SbiConsole: the console behind SBI DBCN and the legacy putchar/getchar calls.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <span>

namespace xenith {
class CharBackend;
}

namespace xenith::sbi {

// Output goes to a CharBackend; input is whatever the board feeds in, kept in a bounded
// buffer (oldest bytes dropped) so a guest that never reads cannot grow it.
// Threading: any thread.
class SbiConsole {
public:
    static constexpr size_t input_capacity = 4096;

    explicit SbiConsole(CharBackend& output);

    void write(std::span<uint8_t const> bytes);
    // Up to out.size() bytes of input; returns how many.
    size_t read(std::span<uint8_t> out);
    void push_input(std::span<uint8_t const> bytes);
    // Whether the guest has ever asked for input (legacy getchar or DBCN read). Linux does so
    // only through its SBI hvc driver (CONFIG_HVC_RISCV_SBI), whose hvc0 then is this console.
    bool guest_reads() const { return m_guest_reads.load(std::memory_order_acquire); }

private:
    CharBackend& m_output;
    std::mutex m_lock;
    std::deque<uint8_t> m_input;
    std::atomic<bool> m_guest_reads { false };
};

} // namespace xenith::sbi
