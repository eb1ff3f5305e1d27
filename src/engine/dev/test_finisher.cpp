// TestFinisher: decodes the status word and hands the verdict to the machine.
#include "engine/dev/test_finisher.h"

#include "engine/dev/fdt_writer.h"

namespace xenith {

TestFinisher::TestFinisher(uint64_t base, Handler handler)
    : m_base(base)
    , m_handler(std::move(handler))
{
}

void TestFinisher::write(uint64_t offset, uint64_t value, unsigned size)
{
    // OpenSBI writes 16 bits (writew) for pass and reset; fail codes need the full 32.
    if (offset != 0 || size < 2)
        return;
    uint32_t v = uint32_t(value);
    switch (v & 0xffff) {
    case 0x5555:
        m_handler(Outcome::Pass, 0);
        break;
    case 0x7777:
        m_handler(Outcome::Reset, 0);
        break;
    case 0x3333:
        m_handler(Outcome::Fail, v >> 16);
        break;
    }
}

void TestFinisher::write_fdt(FdtWriter& fdt) const
{
    fdt.begin_node(fmt::format("test@{:x}", m_base));
    fdt.property_u32("phandle", phandle::test_finisher);
    fdt.property_reg(m_base, window_size);
    fdt.property_strings("compatible", { "sifive,test1", "sifive,test0", "syscon" });
    fdt.end_node();
}

void TestFinisher::write_power_nodes(FdtWriter& fdt) const
{
    fdt.begin_node("poweroff");
    fdt.property_u32("value", 0x5555);
    fdt.property_u32("offset", 0);
    fdt.property_u32("regmap", phandle::test_finisher);
    fdt.property_strings("compatible", { "syscon-poweroff" });
    fdt.end_node();
    fdt.begin_node("reboot");
    fdt.property_u32("value", 0x7777);
    fdt.property_u32("offset", 0);
    fdt.property_u32("regmap", phandle::test_finisher);
    fdt.property_strings("compatible", { "syscon-reboot" });
    fdt.end_node();
}

} // namespace xenith
