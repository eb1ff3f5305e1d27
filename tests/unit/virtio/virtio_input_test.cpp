// virtio-input tests: the power button's config space and key events.
#include <gtest/gtest.h>

#include "engine/dev/virtio/virtio_input.h"
#include "virtio/virtio_test_driver.h"

namespace xenith::test {
namespace {

using namespace virtio_input;

class VirtioInputTest : public ::testing::Test {
protected:
    void SetUp() override { driver.init(TestDriver::all_ring_features, 2); }

    uint8_t select(uint8_t sel, uint8_t subsel)
    {
        driver.set_config(0, sel, 1);
        driver.set_config(1, subsel, 1);
        return static_cast<uint8_t>(driver.config(2, 1));
    }
    std::string config_string(uint8_t size)
    {
        std::string s;
        for (uint8_t i = 0; i < size; ++i)
            s.push_back(static_cast<char>(driver.config(8 + i, 1)));
        return s;
    }
    std::vector<Event*> post_event_buffers(int n)
    {
        std::vector<Event*> out(n);
        for (int i = 0; i < n; ++i)
            DescriptorChainBuilder(driver.queue(0)).AppendWritableDescriptor(&out[i], sizeof(Event)).Build();
        driver.notify(0);
        return out;
    }

    TestGuest guest;
    TestIrq irq;
    VirtioInput device { VirtioSlot { 0x10004000, 4, irq }, guest.memory() };
    TestDriver driver { device, guest };
};

TEST_F(VirtioInputTest, IdNameAndDevids)
{
    uint8_t size = select(cfg_id_name, 0);
    EXPECT_EQ(config_string(size), "Xenith Power Button");
    EXPECT_EQ(select(cfg_id_devids, 0), 8);
    EXPECT_EQ(driver.config(8, 2), bus_virtual);
}

TEST_F(VirtioInputTest, EvBitsKeyHasOnlyPower)
{
    uint8_t size = select(cfg_ev_bits, ev_key);
    ASSERT_EQ(size, key_power / 8 + 1);
    for (unsigned byte = 0; byte < size; ++byte) {
        uint8_t expected = byte == key_power / 8 ? uint8_t(1u << (key_power % 8)) : 0;
        EXPECT_EQ(driver.config(8 + byte, 1), expected) << "byte " << byte;
    }
}

TEST_F(VirtioInputTest, OtherSelectorsAreEmpty)
{
    EXPECT_EQ(select(cfg_ev_bits, 0x02), 0); // EV_REL
    EXPECT_EQ(select(cfg_ev_bits, 0x03), 0); // EV_ABS
    EXPECT_EQ(select(cfg_prop_bits, 0), 0);
    EXPECT_EQ(select(cfg_abs_info, 0), 0);
    EXPECT_EQ(select(cfg_unset, 0), 0);
    EXPECT_EQ(select(0x7f, 0), 0);
}

TEST_F(VirtioInputTest, PowerKeySendsPressAndRelease)
{
    auto events = post_event_buffers(4);
    device.press_power_key();
    ASSERT_EQ(driver.queue(0).used_idx(), 4);
    EXPECT_EQ(events[0]->type, ev_key);
    EXPECT_EQ(events[0]->code, key_power);
    EXPECT_EQ(events[0]->value, 1u);
    EXPECT_EQ(events[1]->type, ev_syn);
    EXPECT_EQ(events[1]->code, syn_report);
    EXPECT_EQ(events[2]->type, ev_key);
    EXPECT_EQ(events[2]->value, 0u);
    EXPECT_EQ(events[3]->type, ev_syn);
    EXPECT_EQ(driver.queue(0).used(0).len, sizeof(Event));
    EXPECT_TRUE(irq.level());
}

TEST_F(VirtioInputTest, PowerKeyWaitsForEventBuffers)
{
    device.press_power_key();
    EXPECT_EQ(device.pending_events(), 4u);
    auto events = post_event_buffers(2);
    EXPECT_EQ(device.pending_events(), 2u);
    events = post_event_buffers(2);
    EXPECT_EQ(device.pending_events(), 0u);
    EXPECT_EQ(events[0]->type, ev_key);
    EXPECT_EQ(events[0]->value, 0u);
}

TEST_F(VirtioInputTest, ShortEventBufferDoesNotLoseEvent)
{
    uint8_t* tiny;
    DescriptorChainBuilder(driver.queue(0)).AppendWritableDescriptor(&tiny, 4).Build();
    device.press_power_key();
    EXPECT_EQ(device.pending_events(), 4u);
    EXPECT_EQ(driver.queue(0).used_idx(), 1);
}

TEST_F(VirtioInputTest, StatusQueueBuffersAreReturned)
{
    Event led { 0x11, 0, 1 };
    DescriptorChainBuilder(driver.queue(1)).AppendReadableDescriptor(&led, sizeof(led)).Build();
    driver.notify(1);
    EXPECT_EQ(driver.queue(1).used_idx(), 1);
}

} // namespace
} // namespace xenith::test
