// FdtWriter over libfdt's fdt_sw calls; errors are collected and reported once by finish().
#include "engine/dev/fdt_writer.h"

#include <cstring>

extern "C" {
#include <libfdt.h>
}

namespace xenith {

FdtWriter::FdtWriter(size_t capacity)
    : m_buffer(capacity)
{
    check(fdt_create(m_buffer.data(), static_cast<int>(m_buffer.size())), "fdt_create");
    check(fdt_finish_reservemap(m_buffer.data()), "fdt_finish_reservemap");
    // The root node; finish() closes it.
    check(fdt_begin_node(m_buffer.data(), ""), "root node");
}

void FdtWriter::check(int rc, std::string_view what)
{
    if (rc < 0 && m_error.empty())
        m_error = fmt::format("device tree {}: {}", what, fdt_strerror(rc));
}

void FdtWriter::begin_node(std::string_view name)
{
    check(fdt_begin_node(m_buffer.data(), std::string(name).c_str()), name);
}

void FdtWriter::end_node() { check(fdt_end_node(m_buffer.data()), "end_node"); }

void FdtWriter::property(std::string_view name, std::string_view value)
{
    std::string v(value);
    check(fdt_property(m_buffer.data(), std::string(name).c_str(), v.c_str(), static_cast<int>(v.size() + 1)), name);
}

void FdtWriter::property_strings(std::string_view name, std::initializer_list<std::string_view> values)
{
    std::string joined;
    for (auto v : values) {
        joined.append(v);
        joined.push_back('\0');
    }
    property_bytes(name, joined.data(), joined.size());
}

void FdtWriter::property_u32(std::string_view name, uint32_t value)
{
    check(fdt_property_u32(m_buffer.data(), std::string(name).c_str(), value), name);
}

void FdtWriter::property_u64(std::string_view name, uint64_t value)
{
    check(fdt_property_u64(m_buffer.data(), std::string(name).c_str(), value), name);
}

void FdtWriter::property_cells(std::string_view name, std::vector<uint32_t> const& cells)
{
    std::vector<fdt32_t> be(cells.size());
    for (size_t i = 0; i < cells.size(); ++i)
        be[i] = cpu_to_fdt32(cells[i]);
    property_bytes(name, be.data(), be.size() * sizeof(fdt32_t));
}

void FdtWriter::property_empty(std::string_view name) { property_bytes(name, nullptr, 0); }

void FdtWriter::property_bytes(std::string_view name, void const* data, size_t size)
{
    check(fdt_property(m_buffer.data(), std::string(name).c_str(), data, static_cast<int>(size)), name);
}

void FdtWriter::property_reg(uint64_t base, uint64_t size)
{
    property_cells("reg", { uint32_t(base >> 32), uint32_t(base), uint32_t(size >> 32), uint32_t(size) });
}

Result<std::vector<uint8_t>> FdtWriter::finish()
{
    if (!m_finished) {
        check(fdt_end_node(m_buffer.data()), "root node end");
        check(fdt_finish(m_buffer.data()), "fdt_finish");
        m_finished = true;
    }
    if (!m_error.empty())
        return fail(m_error);
    std::vector<uint8_t> out(m_buffer.begin(), m_buffer.begin() + fdt_totalsize(m_buffer.data()));
    return out;
}

} // namespace xenith
