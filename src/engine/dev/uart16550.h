// Uart16550: an interrupt-driven ns16550a (8 registers, byte-wide, FIFOs) on a CharBackend.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <span>

#include "engine/dev/device.h"

namespace xenith {

class CharBackend;

// Transmission is instantaneous: THR bytes go straight to the backend, so THRE/TEMT always
// read set and the THR-empty interrupt fires as soon as it is enabled or a byte is written,
// as on QEMU's 16550. Received bytes wait in a bounded buffer (larger than the 16-byte
// hardware FIFO so pasted text survives); the RX-data interrupt is raised while it holds data.
// Threading: one mutex; read()/write() from vCPU threads and receive() from the I/O thread
// may race. The IrqLine and the backend are called with the mutex held.
class Uart16550 final : public MmioDevice {
public:
    static constexpr uint64_t default_base = 0x10000000;
    static constexpr uint64_t window_size = 0x100;
    static constexpr unsigned default_irq = 10;
    static constexpr size_t rx_capacity = 4096;
    static constexpr uint32_t clock_hz = 3686400;

    // `output` and `irq` are not owned and must outlive the device.
    Uart16550(uint64_t base, unsigned irq_number, CharBackend& output, IrqLine& irq);

    // Bytes typed by the user. Bytes beyond rx_capacity are dropped (the overrun bit says so).
    void receive(std::span<uint8_t const> bytes);

    std::string_view name() const override { return "uart16550"; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, uint64_t value, unsigned size) override;
    void write_fdt(FdtWriter&) const override;

private:
    uint8_t interrupt_id() const;
    void update_irq();
    void push_rx(uint8_t byte);

    uint64_t m_base;
    unsigned m_irq_number;
    CharBackend& m_output;
    IrqLine& m_irq;

    std::mutex m_lock;
    std::deque<uint8_t> m_rx;
    uint8_t m_ier { 0 };
    uint8_t m_fcr { 0 };
    uint8_t m_lcr { 0 };
    uint8_t m_mcr { 0 };
    uint8_t m_scr { 0 };
    uint8_t m_dll { 0x0c }; // 9600 baud at clock_hz / 16 / 12, like a BIOS leaves it
    uint8_t m_dlm { 0 };
    bool m_overrun { false };
    bool m_thr_interrupt { false }; // THR-empty interrupt pending (cleared by reading IIR or writing THR)
    bool m_irq_level { false };
};

} // namespace xenith
