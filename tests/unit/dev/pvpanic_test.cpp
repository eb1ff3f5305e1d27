#include <gtest/gtest.h>

#include "engine/dev/fdt_writer.h"
#include "engine/dev/pvpanic.h"

extern "C" {
#include <libfdt.h>
}

namespace xenith {
namespace {

TEST(PvPanic, ReadReportsSupportedEvents)
{
    PvPanic dev(0x102000);
    EXPECT_EQ(dev.read(0, 1), uint64_t(PvPanic::event_panicked | PvPanic::event_crash_loaded));
    EXPECT_EQ(dev.read(1, 1), 0u);
}

TEST(PvPanic, PanickedWriteCallsHandler)
{
    PvPanic dev(0x102000);
    int calls = 0;
    uint8_t seen = 0;
    dev.set_handler([&](uint8_t events) {
        ++calls;
        seen = events;
    });
    dev.write(0, PvPanic::event_panicked, 1);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(seen, PvPanic::event_panicked);
}

TEST(PvPanic, UnsupportedBitsAndOtherOffsetsAreIgnored)
{
    PvPanic dev(0x102000);
    int calls = 0;
    dev.set_handler([&](uint8_t) { ++calls; });
    dev.write(0, 0xf0, 1); // no supported event
    dev.write(1, PvPanic::event_panicked, 1);
    EXPECT_EQ(calls, 0);
}

TEST(PvPanic, WithoutHandlerWriteIsHarmless)
{
    PvPanic dev(0x102000);
    dev.write(0, PvPanic::event_panicked, 1);
}

TEST(PvPanic, FdtNodeIsQemuCompatible)
{
    FdtWriter fdt;
    PvPanic dev(0x102000);
    dev.write_fdt(fdt);
    auto blob = fdt.finish();
    ASSERT_TRUE(blob) << blob.error().message();
    int node = fdt_path_offset(blob->data(), "/pvpanic@102000");
    ASSERT_GE(node, 0);
    EXPECT_EQ(fdt_node_check_compatible(blob->data(), node, "qemu,pvpanic-mmio"), 0);
}

} // namespace
} // namespace xenith
