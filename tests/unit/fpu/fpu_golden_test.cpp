// Differential test: fpu::execute against golden tables recorded from riscv64 (qemu-riscv64).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unistd.h>

#include "engine/riscv/fpu.h"
#include "engine/riscv/fpu_reference.h"

namespace xenith::riscv::fpu {
namespace {

namespace fs = std::filesystem;

// The generator's mnemonics; every Op appears exactly once.
std::map<std::string, Op, std::less<>> const& mnemonics()
{
    static std::map<std::string, Op, std::less<>> const table {
        { "fadd.s", Op::AddS }, { "fsub.s", Op::SubS }, { "fmul.s", Op::MulS }, { "fdiv.s", Op::DivS },
        { "fsqrt.s", Op::SqrtS }, { "fmin.s", Op::MinS }, { "fmax.s", Op::MaxS }, { "fsgnj.s", Op::SgnjS },
        { "fsgnjn.s", Op::SgnjnS }, { "fsgnjx.s", Op::SgnjxS },
        { "fadd.d", Op::AddD }, { "fsub.d", Op::SubD }, { "fmul.d", Op::MulD }, { "fdiv.d", Op::DivD },
        { "fsqrt.d", Op::SqrtD }, { "fmin.d", Op::MinD }, { "fmax.d", Op::MaxD }, { "fsgnj.d", Op::SgnjD },
        { "fsgnjn.d", Op::SgnjnD }, { "fsgnjx.d", Op::SgnjxD },
        { "fmadd.s", Op::MaddS }, { "fmsub.s", Op::MsubS }, { "fnmsub.s", Op::NmsubS }, { "fnmadd.s", Op::NmaddS },
        { "fmadd.d", Op::MaddD }, { "fmsub.d", Op::MsubD }, { "fnmsub.d", Op::NmsubD }, { "fnmadd.d", Op::NmaddD },
        { "feq.s", Op::EqS }, { "flt.s", Op::LtS }, { "fle.s", Op::LeS }, { "fclass.s", Op::ClassS },
        { "feq.d", Op::EqD }, { "flt.d", Op::LtD }, { "fle.d", Op::LeD }, { "fclass.d", Op::ClassD },
        { "fcvt.w.s", Op::CvtWS }, { "fcvt.wu.s", Op::CvtWuS }, { "fcvt.l.s", Op::CvtLS },
        { "fcvt.lu.s", Op::CvtLuS }, { "fcvt.w.d", Op::CvtWD }, { "fcvt.wu.d", Op::CvtWuD },
        { "fcvt.l.d", Op::CvtLD }, { "fcvt.lu.d", Op::CvtLuD },
        { "fcvt.s.w", Op::CvtSW }, { "fcvt.s.wu", Op::CvtSWu }, { "fcvt.s.l", Op::CvtSL },
        { "fcvt.s.lu", Op::CvtSLu }, { "fcvt.d.w", Op::CvtDW }, { "fcvt.d.wu", Op::CvtDWu },
        { "fcvt.d.l", Op::CvtDL }, { "fcvt.d.lu", Op::CvtDLu },
        { "fcvt.s.d", Op::CvtSD }, { "fcvt.d.s", Op::CvtDS },
        { "fmv.x.w", Op::MvXW }, { "fmv.w.x", Op::MvWX }, { "fmv.x.d", Op::MvXD }, { "fmv.d.x", Op::MvDX },
    };
    return table;
}

// Instructions whose result cannot depend on the rounding mode (the generator records them once).
std::set<Op> const& rounding_free()
{
    static std::set<Op> const ops { Op::MinS, Op::MaxS, Op::SgnjS, Op::SgnjnS, Op::SgnjxS, Op::MinD, Op::MaxD,
        Op::SgnjD, Op::SgnjnD, Op::SgnjxD, Op::EqS, Op::LtS, Op::LeS, Op::ClassS, Op::EqD, Op::LtD, Op::LeD,
        Op::ClassD, Op::CvtDW, Op::CvtDWu, Op::CvtDS, Op::MvXW, Op::MvWX, Op::MvXD, Op::MvDX };
    return ops;
}

struct Outcome {
    size_t cases { 0 };
    size_t mismatches { 0 };
    std::set<std::string> ops_seen;
};

// Replays every line of a golden table through fpu::execute (fast path included) and through the
// all-software reference, comparing result bits and fflags.
Outcome replay(fs::path const& table)
{
    Outcome out;
    FILE* file = std::fopen(table.c_str(), "r");
    if (!file) {
        ADD_FAILURE() << "cannot open golden table " << table;
        return out;
    }
    char line[256];
    size_t line_no = 0;
    while (std::fgets(line, sizeof line, file)) {
        ++line_no;
        char name[16];
        unsigned rm_value;
        unsigned long long a, b, c, expected, expected_flags;
        if (std::sscanf(line, "%15s %u %llx %llx %llx %llx %llx", name, &rm_value, &a, &b, &c, &expected,
                &expected_flags)
            != 7) {
            ADD_FAILURE() << table << ":" << line_no << ": malformed line: " << line;
            continue;
        }
        auto it = mnemonics().find(std::string_view(name));
        if (it == mnemonics().end() || rm_value > 4) {
            ADD_FAILURE() << table << ":" << line_no << ": unknown op or rm: " << line;
            continue;
        }
        out.ops_seen.insert(name);
        // Instructions without a rounding mode are recorded once and replayed under every mode.
        bool rm_free = rounding_free().contains(it->second);
        unsigned first_rm = rm_free ? 0 : rm_value;
        unsigned last_rm = rm_free ? 4 : rm_value;
        for (unsigned rm = first_rm; rm <= last_rm; ++rm) {
            ++out.cases;
            for (auto [path, fn] : { std::pair { "execute", &execute }, std::pair { "software", &execute_software } }) {
                uint32_t flags = 0;
                uint64_t got = fn(it->second, a, b, c, RoundingMode(rm), flags);
                if (got != expected || flags != expected_flags) {
                    if (++out.mismatches <= 25)
                        ADD_FAILURE() << std::hex << path << ": " << name << " rm=" << rm << " a=" << a << " b=" << b
                                      << " c=" << c << ": expected " << expected << " flags " << expected_flags
                                      << ", got " << got << " flags " << flags;
                }
            }
        }
    }
    std::fclose(file);
    return out;
}

fs::path golden_dir()
{
    return fs::path(__FILE__).parent_path() / "golden";
}

TEST(FpuGolden, CommittedTableMatchesBitForBit)
{
    Outcome out = replay(golden_dir() / "fpu_golden_small.txt");
    EXPECT_GT(out.cases, 20000u);
    EXPECT_EQ(out.ops_seen.size(), mnemonics().size()) << "the table must exercise every operation";
    EXPECT_EQ(out.mismatches, 0u) << "of " << out.cases << " cases";
}

// A developer's extra table (e.g. a stress run: `golden/regenerate.sh random 200000 7 > t.txt`),
// replayed when XENITH_FPU_GOLDEN_TABLE names it.
TEST(FpuGolden, TableNamedByEnvironmentMatchesBitForBit)
{
    char const* path = std::getenv("XENITH_FPU_GOLDEN_TABLE");
    if (!path || !*path)
        GTEST_SKIP() << "XENITH_FPU_GOLDEN_TABLE not set";
    Outcome out = replay(path);
    EXPECT_GT(out.cases, 0u);
    EXPECT_EQ(out.mismatches, 0u) << "of " << out.cases << " cases";
}

bool on_path(char const* tool)
{
    std::string cmd = std::string("command -v ") + tool + " >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
}

// The large table (about 1.7 million cases) is recorded at test time: the generator is
// cross-compiled and run under qemu-riscv64, both installed by tools/install-deps.sh.
TEST(FpuGolden, FullTableFromQemuMatchesBitForBit)
{
    if (!on_path("riscv64-linux-gnu-gcc") || !on_path("qemu-riscv64"))
        GTEST_SKIP() << "riscv64-linux-gnu-gcc or qemu-riscv64 missing (tools/install-deps.sh installs them)";
    char dir_template[] = "/tmp/xenith-fpu-golden-XXXXXX";
    char* dir = mkdtemp(dir_template);
    ASSERT_NE(dir, nullptr);
    fs::path work(dir);
    fs::path gen = work / "gen";
    fs::path table = work / "full.txt";
    std::string build = "riscv64-linux-gnu-gcc -static -O2 -o '" + gen.string() + "' '"
        + (golden_dir() / "fpu_golden_gen.c").string() + "'";
    ASSERT_EQ(std::system(build.c_str()), 0) << build;
    std::string run = "qemu-riscv64 '" + gen.string() + "' full > '" + table.string() + "'";
    ASSERT_EQ(std::system(run.c_str()), 0) << run;
    Outcome out = replay(table);
    fs::remove_all(work);
    EXPECT_GT(out.cases, 1'000'000u);
    EXPECT_EQ(out.ops_seen.size(), mnemonics().size());
    EXPECT_EQ(out.mismatches, 0u) << "of " << out.cases << " cases";
}

} // namespace
} // namespace xenith::riscv::fpu
