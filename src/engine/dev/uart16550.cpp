// Uart16550: register file, FIFO and interrupt identification of the 16550A.
#include "engine/dev/uart16550.h"

#include "engine/dev/fdt_writer.h"
#include "engine/io/char_backend.h"

namespace xenith {

namespace {
// Register offsets (reg-shift 0).
constexpr uint64_t RBR_THR_DLL = 0, IER_DLM = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;
constexpr uint8_t IER_RDI = 0x01, IER_THRI = 0x02, IER_RLSI = 0x04, IER_MSI = 0x08;
constexpr uint8_t IIR_NONE = 0x01, IIR_THRI = 0x02, IIR_RDI = 0x04, IIR_RLSI = 0x06, IIR_FIFO = 0xc0;
constexpr uint8_t FCR_ENABLE = 0x01, FCR_CLEAR_RX = 0x02;
constexpr uint8_t LCR_DLAB = 0x80;
constexpr uint8_t MCR_OUT2 = 0x08, MCR_LOOP = 0x10;
constexpr uint8_t LSR_DR = 0x01, LSR_OE = 0x02, LSR_THRE = 0x20, LSR_TEMT = 0x40;
constexpr uint8_t MSR_CTS = 0x10, MSR_DSR = 0x20, MSR_RI = 0x40, MSR_DCD = 0x80;
} // namespace

Uart16550::Uart16550(uint64_t base, unsigned irq_number, CharBackend& output, IrqLine& irq)
    : m_base(base)
    , m_irq_number(irq_number)
    , m_output(output)
    , m_irq(irq)
{
}

uint8_t Uart16550::interrupt_id() const
{
    // Priority order of the 16550: line status, received data, THR empty, modem status.
    if ((m_ier & IER_RLSI) && m_overrun)
        return IIR_RLSI;
    if ((m_ier & IER_RDI) && !m_rx.empty())
        return IIR_RDI;
    if ((m_ier & IER_THRI) && m_thr_interrupt)
        return IIR_THRI;
    return IIR_NONE;
}

void Uart16550::update_irq()
{
    bool level = interrupt_id() != IIR_NONE;
    if (level != m_irq_level) {
        m_irq_level = level;
        m_irq.set_level(level);
    }
}

void Uart16550::push_rx(uint8_t byte)
{
    if (m_rx.size() >= rx_capacity) {
        m_overrun = true;
        return;
    }
    m_rx.push_back(byte);
}

void Uart16550::receive(std::span<uint8_t const> bytes)
{
    std::lock_guard guard(m_lock);
    if (m_mcr & MCR_LOOP)
        return; // the receiver listens to the transmitter in loopback mode
    for (uint8_t b : bytes)
        push_rx(b);
    update_irq();
}

uint64_t Uart16550::read(uint64_t offset, unsigned size)
{
    if (size != 1)
        return 0;
    std::lock_guard guard(m_lock);
    uint8_t value = 0;
    switch (offset) {
    case RBR_THR_DLL:
        if (m_lcr & LCR_DLAB) {
            value = m_dll;
        } else if (!m_rx.empty()) {
            value = m_rx.front();
            m_rx.pop_front();
        }
        break;
    case IER_DLM:
        value = (m_lcr & LCR_DLAB) ? m_dlm : m_ier;
        break;
    case IIR_FCR:
        value = interrupt_id();
        // Reading IIR acknowledges a THR-empty interrupt when that is what it reports.
        if (value == IIR_THRI)
            m_thr_interrupt = false;
        if (m_fcr & FCR_ENABLE)
            value |= IIR_FIFO;
        break;
    case LCR:
        value = m_lcr;
        break;
    case MCR:
        value = m_mcr;
        break;
    case LSR:
        value = LSR_THRE | LSR_TEMT;
        if (!m_rx.empty())
            value |= LSR_DR;
        if (m_overrun)
            value |= LSR_OE;
        m_overrun = false; // reading LSR clears the error bits
        break;
    case MSR:
        if (m_mcr & MCR_LOOP) {
            // Loopback wires DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD.
            value = uint8_t(((m_mcr & 0x01) ? MSR_DSR : 0) | ((m_mcr & 0x02) ? MSR_CTS : 0)
                | ((m_mcr & 0x04) ? MSR_RI : 0) | ((m_mcr & MCR_OUT2) ? MSR_DCD : 0));
        } else {
            value = MSR_DCD | MSR_DSR | MSR_CTS;
        }
        break;
    case SCR:
        value = m_scr;
        break;
    }
    update_irq();
    return value;
}

void Uart16550::write(uint64_t offset, uint64_t value, unsigned size)
{
    if (size != 1)
        return;
    uint8_t v = uint8_t(value);
    std::lock_guard guard(m_lock);
    switch (offset) {
    case RBR_THR_DLL:
        if (m_lcr & LCR_DLAB) {
            m_dll = v;
            break;
        }
        if (m_mcr & MCR_LOOP)
            push_rx(v);
        else
            m_output.write(std::span(&v, 1));
        // The byte left at once: THR is empty again.
        m_thr_interrupt = true;
        break;
    case IER_DLM:
        if (m_lcr & LCR_DLAB) {
            m_dlm = v;
            break;
        }
        // Enabling THRI while THR is empty raises the interrupt right away.
        if (!(m_ier & IER_THRI) && (v & IER_THRI))
            m_thr_interrupt = true;
        m_ier = v & (IER_RDI | IER_THRI | IER_RLSI | IER_MSI);
        break;
    case IIR_FCR:
        if (v & FCR_CLEAR_RX)
            m_rx.clear();
        m_fcr = v & 0xc9; // enable, DMA mode and trigger level are kept; clear bits self-clear
        break;
    case LCR:
        m_lcr = v;
        break;
    case MCR:
        m_mcr = v & 0x1f;
        break;
    case SCR:
        m_scr = v;
        break;
    }
    update_irq();
}

void Uart16550::write_fdt(FdtWriter& fdt) const
{
    fdt.begin_node(fmt::format("serial@{:x}", m_base));
    fdt.property_u32("interrupts", m_irq_number);
    fdt.property_u32("interrupt-parent", phandle::plic);
    fdt.property_u32("clock-frequency", clock_hz);
    fdt.property_reg(m_base, window_size);
    fdt.property_strings("compatible", { "ns16550a" });
    fdt.end_node();
}

} // namespace xenith
