// Guest core dumps: ELF core file writer.
#include "engine/domain/core_dump.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "base/unique_fd.h"
#include "engine/mem/guest_memory.h"

namespace xenith {
namespace {

// Linux's struct elf_prstatus on a 64-bit target with a 32-register gregset (riscv64): what
// gdb and crash expect in an NT_PRSTATUS note. Offsets are the ABI's; only pid and regs matter.
struct PrStatusRiscv64 {
    int32_t si_signo, si_code, si_errno;
    int16_t cursig;
    int16_t pad0;
    uint64_t sigpend, sighold;
    int32_t pid, ppid, pgrp, sid;
    uint64_t times[8]; // utime, stime, cutime, cstime as timevals
    uint64_t regs[32];  // pc, x1..x31
    int32_t fpvalid;
    int32_t pad1;
};
static_assert(sizeof(PrStatusRiscv64) == 376, "the riscv64 elf_prstatus ABI size");
static_assert(offsetof(PrStatusRiscv64, regs) == 112);

constexpr uint64_t align_up(uint64_t value, uint64_t to) { return (value + to - 1) / to * to; }

void append_bytes(std::vector<uint8_t>& out, void const* data, size_t size)
{
    auto const* bytes = static_cast<uint8_t const*>(data);
    out.insert(out.end(), bytes, bytes + size);
    out.resize(align_up(out.size(), 4), 0);
}

std::vector<uint8_t> prstatus_notes(std::span<VcpuRegisters const> vcpus)
{
    std::vector<uint8_t> notes;
    static constexpr char name[] = "CORE";
    for (size_t i = 0; i < vcpus.size(); ++i) {
        PrStatusRiscv64 status {};
        status.pid = int32_t(i + 1); // gdb shows vCPU i as "thread i+1"
        status.regs[0] = vcpus[i].pc;
        for (unsigned r = 1; r < 32; ++r)
            status.regs[r] = vcpus[i].x[r];
        Elf64_Nhdr header { sizeof(name), sizeof(status), NT_PRSTATUS };
        append_bytes(notes, &header, sizeof(header));
        append_bytes(notes, name, sizeof(name));
        append_bytes(notes, &status, sizeof(status));
    }
    return notes;
}

Status write_all(int fd, void const* data, size_t size, uint64_t offset, std::string const& path)
{
    auto const* bytes = static_cast<uint8_t const*>(data);
    while (size > 0) {
        ssize_t n = ::pwrite(fd, bytes, size, off_t(offset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return fail_errno(fmt::format("{}: writing the core dump", path));
        bytes += n;
        size -= size_t(n);
        offset += uint64_t(n);
    }
    return {};
}

bool all_zero(uint8_t const* page, size_t size)
{
    uint64_t word;
    for (size_t i = 0; i < size; i += sizeof(word)) {
        std::memcpy(&word, page + i, sizeof(word));
        if (word)
            return false;
    }
    return true;
}

} // namespace

Status write_core_dump(std::string const& path, GuestMemory const& memory, std::span<VcpuRegisters const> vcpus)
{
    std::vector<uint8_t> notes = prstatus_notes(vcpus);
    constexpr unsigned phnum = 2;
    uint64_t notes_offset = sizeof(Elf64_Ehdr) + phnum * sizeof(Elf64_Phdr);
    uint64_t ram_offset = align_up(notes_offset + notes.size(), GuestMemory::page_size);

    Elf64_Ehdr ehdr {};
    std::memcpy(ehdr.e_ident, ELFMAG, SELFMAG);
    ehdr.e_ident[EI_CLASS] = ELFCLASS64;
    ehdr.e_ident[EI_DATA] = ELFDATA2LSB;
    ehdr.e_ident[EI_VERSION] = EV_CURRENT;
    ehdr.e_ident[EI_OSABI] = ELFOSABI_NONE;
    ehdr.e_type = ET_CORE;
    ehdr.e_machine = EM_RISCV;
    ehdr.e_version = EV_CURRENT;
    ehdr.e_phoff = sizeof(Elf64_Ehdr);
    ehdr.e_ehsize = sizeof(Elf64_Ehdr);
    ehdr.e_phentsize = sizeof(Elf64_Phdr);
    ehdr.e_phnum = phnum;

    Elf64_Phdr phdrs[phnum] {};
    phdrs[0].p_type = PT_NOTE;
    phdrs[0].p_offset = notes_offset;
    phdrs[0].p_filesz = notes.size();
    phdrs[0].p_align = 4;
    phdrs[1].p_type = PT_LOAD;
    phdrs[1].p_flags = PF_R | PF_W | PF_X;
    phdrs[1].p_offset = ram_offset;
    phdrs[1].p_vaddr = memory.base();
    phdrs[1].p_paddr = memory.base();
    phdrs[1].p_filesz = memory.size();
    phdrs[1].p_memsz = memory.size();
    phdrs[1].p_align = GuestMemory::page_size;

    std::string partial = path + ".partial";
    UniqueFd fd(::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd)
        return fail_errno(fmt::format("{}: cannot create the core dump (does the directory exist and is it writable?)", partial));
    auto written = [&]() -> Status {
        XENITH_TRY(write_all(fd.get(), &ehdr, sizeof(ehdr), 0, partial));
        XENITH_TRY(write_all(fd.get(), phdrs, sizeof(phdrs), sizeof(ehdr), partial));
        XENITH_TRY(write_all(fd.get(), notes.data(), notes.size(), notes_offset, partial));
        // RAM in 1 MiB runs of non-zero pages; zero pages stay holes (ftruncate sets the size).
        uint8_t const* ram = memory.host_base();
        uint64_t const page = GuestMemory::page_size;
        uint64_t run_start = 0, run_length = 0;
        for (uint64_t at = 0; at < memory.size(); at += page) {
            bool zero = all_zero(ram + at, page);
            if (!zero && run_length == 0)
                run_start = at;
            if (!zero)
                run_length += page;
            if (run_length && (zero || run_length >= (1u << 20) || at + page == memory.size())) {
                XENITH_TRY(write_all(fd.get(), ram + run_start, run_length, ram_offset + run_start, partial));
                run_length = 0;
            }
        }
        if (::ftruncate(fd.get(), off_t(ram_offset + memory.size())) != 0)
            return fail_errno(fmt::format("{}: sizing the core dump", partial));
        if (::fsync(fd.get()) != 0)
            return fail_errno(fmt::format("{}: fsync", partial));
        return {};
    }();
    if (!written) {
        ::unlink(partial.c_str());
        return written;
    }
    if (::rename(partial.c_str(), path.c_str()) != 0) {
        auto error = fail_errno(fmt::format("{}: cannot move the finished core dump into place", path));
        ::unlink(partial.c_str());
        return error;
    }
    return {};
}

} // namespace xenith
