// KernelImage: file loading and header validation.
#include "engine/board/kernel_image.h"

#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/unique_fd.h"

namespace xenith::board {

Result<std::vector<uint8_t>> read_file(std::string const& path, std::string_view role)
{
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        return std::unexpected(Error::from_errno(fmt::format("{} {}", role, path)));
    struct stat st;
    if (::fstat(fd.get(), &st) != 0)
        return std::unexpected(Error::from_errno(fmt::format("{} {}", role, path)));
    if (!S_ISREG(st.st_mode))
        return fail("{} {}: not a regular file", role, path);
    std::vector<uint8_t> bytes(size_t(st.st_size));
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::read(fd.get(), bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return std::unexpected(Error::from_errno(fmt::format("{} {}: read", role, path)));
        if (n == 0)
            return fail("{} {}: file shrank while reading", role, path);
        done += size_t(n);
    }
    return bytes;
}

Result<KernelImage> KernelImage::parse(std::vector<uint8_t> bytes, std::string const& what)
{
    constexpr size_t header_size = 64;
    if (bytes.size() < header_size)
        return fail("kernel {}: too small to be a RISC-V Linux Image ({} bytes)", what, bytes.size());
    auto u64 = [&](size_t off) {
        uint64_t v;
        std::memcpy(&v, bytes.data() + off, 8);
        return v;
    };
    if (std::memcmp(bytes.data() + 0x30, "RISCV\0\0\0", 8) != 0 || std::memcmp(bytes.data() + 0x38, "RSC\x05", 4) != 0)
        return fail("kernel {}: not a RISC-V Linux Image (no \"RISCV\"/\"RSC\\x05\" magic at 0x30; an ELF vmlinux or a compressed Image.gz will not do)", what);
    KernelImage k;
    k.text_offset = u64(0x08);
    k.image_size = u64(0x10);
    if (k.text_offset % 4096 != 0 || k.text_offset >= (1ull << 32))
        return fail("kernel {}: bad text_offset {:#x} in the Image header", what, k.text_offset);
    if (k.image_size == 0)
        k.image_size = bytes.size(); // pre-4.x headers left it zero
    if (k.image_size < bytes.size() || k.image_size >= (1ull << 40))
        return fail("kernel {}: image_size {:#x} in the header does not cover the {}-byte file", what, k.image_size, bytes.size());
    k.bytes = std::move(bytes);
    return k;
}

Result<KernelImage> KernelImage::load(std::string const& path)
{
    auto bytes = XENITH_TRY(read_file(path, "kernel"));
    return parse(std::move(bytes), path);
}

} // namespace xenith::board
