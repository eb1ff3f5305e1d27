// xenith-vm's command line: --maxvcpus.
#include <gtest/gtest.h>

#include "engine/domain/vm_options.h"

namespace xenith {
namespace {

Result<VmCommandLine> parse(std::vector<char const*> args)
{
    args.insert(args.begin(), "xenith-vm");
    return parse_vm_options(int(args.size()), args.data());
}

TEST(VmOptions, MaxVcpusDefaultsToZeroAndParses)
{
    auto plain = parse({ "--kernel", "Image", "--vcpus", "2" });
    ASSERT_TRUE(plain) << plain.error().message();
    EXPECT_EQ(plain->options->maxvcpus, 0u);
    auto raised = parse({ "--kernel", "Image", "--vcpus", "1", "--maxvcpus", "4" });
    ASSERT_TRUE(raised) << raised.error().message();
    EXPECT_EQ(raised->options->vcpus, 1u);
    EXPECT_EQ(raised->options->maxvcpus, 4u);
}

TEST(VmOptions, MaxVcpusBelowVcpusIsAnError)
{
    auto below = parse({ "--kernel", "Image", "--vcpus", "3", "--maxvcpus", "2" });
    ASSERT_FALSE(below);
    EXPECT_EQ(below.error().message(), "--maxvcpus 2: below --vcpus 3");
}

} // namespace
} // namespace xenith
