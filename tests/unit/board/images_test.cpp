// KernelImage and FirmwareImage: header validation and ELF parsing on crafted files.
#include <gtest/gtest.h>

#include <cstring>
#include <elf.h>

#include "board/test_images.h"
#include "engine/board/firmware_image.h"
#include "engine/board/kernel_image.h"
#include "engine/mem/guest_memory.h"

namespace xenith::board {
namespace {

TEST(KernelImage, AcceptsValidHeader)
{
    auto k = KernelImage::parse(test::hsm_image(), "hsm");
    ASSERT_TRUE(k) << k.error().message();
    EXPECT_EQ(k->text_offset, 0x200000u);
    EXPECT_EQ(k->image_size, 0x1000u);
}

TEST(KernelImage, RejectsMissingMagicNamingTheFile)
{
    auto bytes = test::hsm_image();
    bytes[0x38] = 'X';
    auto k = KernelImage::parse(bytes, "/boot/vmlinux");
    ASSERT_FALSE(k);
    EXPECT_NE(k.error().message().find("kernel /boot/vmlinux: not a RISC-V Linux Image"), std::string::npos);
}

TEST(KernelImage, RejectsFileShorterThanHeader)
{
    EXPECT_FALSE(KernelImage::parse(std::vector<uint8_t>(63), "short"));
}

TEST(KernelImage, RejectsUnalignedTextOffset)
{
    auto bytes = test::hsm_image();
    bytes[0x08] = 0x10;
    EXPECT_FALSE(KernelImage::parse(bytes, "odd"));
}

TEST(KernelImage, RejectsImageSizeSmallerThanFile)
{
    auto bytes = test::hsm_image();
    uint64_t small = 16;
    std::memcpy(bytes.data() + 0x10, &small, 8);
    EXPECT_FALSE(KernelImage::parse(bytes, "small"));
}

TEST(KernelImage, ZeroImageSizeMeansFileSize)
{
    auto bytes = test::hsm_image();
    std::memset(bytes.data() + 0x10, 0, 8);
    auto k = KernelImage::parse(bytes, "old");
    ASSERT_TRUE(k);
    EXPECT_EQ(k->image_size, bytes.size());
}

TEST(KernelImage, MissingFileErrorNamesIt)
{
    auto k = KernelImage::load("/nonexistent/Image");
    ASSERT_FALSE(k);
    EXPECT_EQ(k.error().message().rfind("kernel /nonexistent/Image: ", 0), 0u);
}

std::vector<uint8_t> elf_with(std::vector<Elf64_Phdr> phdrs, std::vector<uint8_t> payload, uint16_t machine = EM_RISCV)
{
    Elf64_Ehdr eh {};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_machine = machine;
    eh.e_entry = 0x80000010;
    eh.e_phoff = sizeof(eh);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = uint16_t(phdrs.size());
    std::vector<uint8_t> out(sizeof(eh) + phdrs.size() * sizeof(Elf64_Phdr));
    std::memcpy(out.data(), &eh, sizeof(eh));
    if (!phdrs.empty())
        std::memcpy(out.data() + sizeof(eh), phdrs.data(), phdrs.size() * sizeof(Elf64_Phdr));
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

Elf64_Phdr load_segment(uint64_t paddr, uint64_t offset, uint64_t filesz, uint64_t memsz)
{
    Elf64_Phdr ph {};
    ph.p_type = PT_LOAD;
    ph.p_paddr = paddr;
    ph.p_vaddr = 0xffffffff00000000 + paddr; // ignored: firmware loads by physical address
    ph.p_offset = offset;
    ph.p_filesz = filesz;
    ph.p_memsz = memsz;
    return ph;
}

TEST(FirmwareImage, RawBinaryLoadsAtBaseAndStartsThere)
{
    auto fw = FirmwareImage::parse(test::finisher_firmware(), "raw", 0x80000000);
    ASSERT_TRUE(fw);
    EXPECT_EQ(fw->entry, 0x80000000u);
    ASSERT_EQ(fw->segments.size(), 1u);
    EXPECT_EQ(fw->end, 0x80000000u + 28);
}

TEST(FirmwareImage, ElfLoadsSegmentsByPhysicalAddressWithBss)
{
    size_t off = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr);
    auto bytes = elf_with({ load_segment(0x80001000, off, 4, 0x100) }, { 1, 2, 3, 4 });
    auto fw = FirmwareImage::parse(bytes, "fw.elf", 0x80000000);
    ASSERT_TRUE(fw) << fw.error().message();
    EXPECT_EQ(fw->entry, 0x80000010u);
    EXPECT_EQ(fw->end, 0x80001100u);
    auto mem = GuestMemory::create(0x80000000, 1 << 20).value();
    std::memset(mem->host_ptr(0x80001004, 1), 0xaa, 1);
    ASSERT_TRUE(fw->copy_into(*mem, "fw.elf"));
    EXPECT_EQ(mem->load<uint32_t>(0x80001000).value(), 0x04030201u);
    EXPECT_EQ(mem->load<uint8_t>(0x80001004).value(), 0u); // bss zeroed
}

TEST(FirmwareImage, ElfSegmentOutsideFileIsAnError)
{
    auto bytes = elf_with({ load_segment(0x80001000, 0x10000, 4, 4) }, {});
    auto fw = FirmwareImage::parse(bytes, "bad.elf", 0x80000000);
    ASSERT_FALSE(fw);
    EXPECT_NE(fw.error().message().find("bios bad.elf"), std::string::npos);
}

TEST(FirmwareImage, ElfForOtherMachineIsAnError)
{
    EXPECT_FALSE(FirmwareImage::parse(elf_with({}, {}, EM_X86_64), "x86.elf", 0x80000000));
}

TEST(FirmwareImage, ElfWithoutLoadableSegmentIsAnError)
{
    EXPECT_FALSE(FirmwareImage::parse(elf_with({}, {}), "empty.elf", 0x80000000));
}

TEST(FirmwareImage, ProgramHeadersBeyondFileAreAnError)
{
    auto bytes = elf_with({ load_segment(0x80000000, 0, 4, 4) }, {});
    bytes.resize(sizeof(Elf64_Ehdr) + 10);
    EXPECT_FALSE(FirmwareImage::parse(bytes, "cut.elf", 0x80000000));
}

TEST(FirmwareImage, SegmentOutsideRamIsAnErrorOnCopy)
{
    size_t off = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr);
    auto bytes = elf_with({ load_segment(0x1000, off, 4, 4) }, { 1, 2, 3, 4 });
    auto fw = FirmwareImage::parse(bytes, "low.elf", 0x80000000);
    ASSERT_TRUE(fw);
    auto mem = GuestMemory::create(0x80000000, 1 << 20).value();
    EXPECT_FALSE(fw->copy_into(*mem, "low.elf"));
}

} // namespace
} // namespace xenith::board
