// Guest core dumps: the ELF file read back as gdb and crash would.
#include <elf.h>
#include <sys/stat.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/domain/core_dump.h"
#include "engine/mem/guest_memory.h"

namespace xenith {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

constexpr uint64_t ram_base = 0x80000000;
constexpr uint64_t ram_size = 4 << 20;

class CoreDump : public ::testing::Test {
protected:
    void SetUp() override
    {
        m_dir = std::filesystem::temp_directory_path()
            / ("xenith-core-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(m_dir);
        auto memory = GuestMemory::create(ram_base, ram_size);
        ASSERT_TRUE(memory);
        m_memory = std::move(*memory);
    }
    void TearDown() override { std::filesystem::remove_all(m_dir); }

    std::string read_file(std::string const& path)
    {
        std::ifstream in(path, std::ios::binary);
        return { std::istreambuf_iterator<char>(in), {} };
    }

    std::filesystem::path m_dir;
    std::unique_ptr<GuestMemory> m_memory;
};

TEST_F(CoreDump, HeaderNotesAndRamReadBack)
{
    std::string pattern = "xenith guest memory";
    ASSERT_TRUE(m_memory->write(ram_base + 0x200000, std::span(reinterpret_cast<uint8_t const*>(pattern.data()), pattern.size())));
    ASSERT_TRUE(m_memory->store<uint64_t>(ram_base + ram_size - 8, 0x1122334455667788));
    VcpuRegisters vcpus[2];
    vcpus[0].pc = 0x80200000;
    vcpus[0].x[2] = 0xdead0002; // sp
    vcpus[1].pc = 0xffffffff80001234;
    vcpus[1].x[31] = 31;
    std::string path = (m_dir / "d.core").string();
    ASSERT_TRUE(write_core_dump(path, *m_memory, vcpus));

    std::string file = read_file(path);
    ASSERT_GE(file.size(), sizeof(Elf64_Ehdr));
    Elf64_Ehdr ehdr;
    std::memcpy(&ehdr, file.data(), sizeof(ehdr));
    EXPECT_EQ(std::memcmp(ehdr.e_ident, ELFMAG, SELFMAG), 0);
    EXPECT_EQ(ehdr.e_ident[EI_CLASS], ELFCLASS64);
    EXPECT_EQ(ehdr.e_type, ET_CORE);
    EXPECT_EQ(ehdr.e_machine, EM_RISCV);
    ASSERT_EQ(ehdr.e_phnum, 2);

    Elf64_Phdr note, load;
    std::memcpy(&note, file.data() + ehdr.e_phoff, sizeof(note));
    std::memcpy(&load, file.data() + ehdr.e_phoff + sizeof(Elf64_Phdr), sizeof(load));
    EXPECT_EQ(note.p_type, PT_NOTE);
    EXPECT_EQ(load.p_type, PT_LOAD);
    EXPECT_EQ(load.p_paddr, ram_base);
    EXPECT_EQ(load.p_filesz, ram_size);
    EXPECT_EQ(load.p_offset % 4096, 0u);
    ASSERT_EQ(file.size(), load.p_offset + ram_size);

    // Two NT_PRSTATUS notes, "CORE", registers at the ABI offset 112: pc then x1..x31.
    size_t at = note.p_offset;
    for (int vcpu = 0; vcpu < 2; ++vcpu) {
        Elf64_Nhdr header;
        std::memcpy(&header, file.data() + at, sizeof(header));
        EXPECT_EQ(header.n_type, uint32_t(NT_PRSTATUS));
        EXPECT_EQ(header.n_namesz, 5u);
        ASSERT_EQ(header.n_descsz, 376u);
        EXPECT_STREQ(file.data() + at + sizeof(header), "CORE");
        char const* desc = file.data() + at + sizeof(header) + 8;
        int32_t pid;
        uint64_t regs[32];
        std::memcpy(&pid, desc + 32, sizeof(pid));
        std::memcpy(regs, desc + 112, sizeof(regs));
        EXPECT_EQ(pid, vcpu + 1);
        EXPECT_EQ(regs[0], vcpus[vcpu].pc);
        EXPECT_EQ(regs[2], vcpus[vcpu].x[2]);
        EXPECT_EQ(regs[31], vcpus[vcpu].x[31]);
        at += sizeof(header) + 8 + 376;
    }
    EXPECT_EQ(at, note.p_offset + note.p_filesz);

    EXPECT_EQ(file.substr(load.p_offset + 0x200000, pattern.size()), pattern);
    uint64_t last;
    std::memcpy(&last, file.data() + load.p_offset + ram_size - 8, 8);
    EXPECT_EQ(last, 0x1122334455667788u);
}

TEST_F(CoreDump, ZeroPagesAreHolesAndTheFileIsPrivate)
{
    ASSERT_TRUE(m_memory->store<uint32_t>(ram_base + 0x1000, 7));
    std::string path = (m_dir / "sparse.core").string();
    ASSERT_TRUE(write_core_dump(path, *m_memory, {}));
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_GT(uint64_t(st.st_size), ram_size);
    EXPECT_LT(uint64_t(st.st_blocks) * 512, ram_size / 4) << "zero pages were written out";
    EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
}

TEST_F(CoreDump, UnwritableDirectoryNamesThePathAndLeavesNothing)
{
    std::string path = (m_dir / "missing" / "d.core").string();
    auto status = write_core_dump(path, *m_memory, {});
    ASSERT_FALSE(status);
    EXPECT_THAT(status.error().message(), HasSubstr(path + ".partial: cannot create the core dump"));
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(CoreDumpName, IsXensDateNameAndId)
{
    EXPECT_THAT(core_dump_file_name("web", 7), MatchesRegex("[0-9]{4}-[0-9]{4}-[0-9]{4}\\.[0-9]{2}-web\\.7\\.core"));
}

} // namespace
} // namespace xenith
