// VirtioBlk: request parsing, validation and completion.
#include "engine/dev/virtio/virtio_blk.h"

#include <cstring>

#include "base/log.h"
#include "engine/mem/guest_memory.h"

namespace xenith {

using namespace virtio_blk;

static uint64_t blk_features(BlockBackend const* backend)
{
    uint64_t f = f_seg_max | f_blk_size | f_flush | f_discard | f_write_zeroes;
    if (backend && backend->read_only())
        f |= f_ro;
    return f;
}

VirtioBlk::VirtioBlk(VirtioSlot slot, GuestMemory& memory, std::unique_ptr<BlockBackend> backend, std::string serial)
    : VirtioMmioDevice(fmt::format("virtio-blk@{:x}", slot.base), slot, memory, virtio::DeviceId::Block, blk_features(backend.get()), { queue_size }, config_size)
    , m_backend(std::move(backend))
    , m_serial(std::move(serial))
    , m_capacity(m_backend ? m_backend->size() / sector_size : 0)
{
    config_put<uint64_t>(cfg_capacity, m_capacity.load());
    // Linux adds two for the header and status; keep whole chains within the queue.
    config_put<uint32_t>(cfg_seg_max, queue_size - 2);
    config_put<uint32_t>(cfg_blk_size, sector_size);
    config_put<uint32_t>(cfg_max_discard_sectors, 0x3fffff);
    config_put<uint32_t>(cfg_max_discard_seg, 1);
    config_put<uint32_t>(cfg_discard_sector_alignment, 8);
    config_put<uint32_t>(cfg_max_write_zeroes_sectors, 0x3fffff);
    config_put<uint32_t>(cfg_max_write_zeroes_seg, 1);
    config_put<uint8_t>(cfg_write_zeroes_may_unmap, 1);
}

VirtioBlk::~VirtioBlk()
{
    // Finish (and drop) in-flight requests while the transport they complete into still exists.
    m_backend.reset();
}

bool VirtioBlk::has_medium() const
{
    std::lock_guard guard(m_backend_lock);
    return m_backend != nullptr;
}

std::string VirtioBlk::medium_path() const
{
    std::lock_guard guard(m_backend_lock);
    return m_backend ? m_backend->path() : std::string();
}

bool VirtioBlk::medium_read_only() const
{
    std::lock_guard guard(m_backend_lock);
    return m_backend && m_backend->read_only();
}

void VirtioBlk::publish_capacity(uint64_t sectors)
{
    {
        std::lock_guard guard(m_lock);
        config_put<uint64_t>(cfg_capacity, sectors);
    }
    // Linux's virtblk_config_changed re-reads the capacity and resizes /dev/vdX.
    notify_config_change();
}

Status VirtioBlk::attach(std::unique_ptr<BlockBackend> backend, std::string serial)
{
    if (!backend)
        return fail("{}: attach without a disk image", name());
    uint64_t sectors = backend->size() / sector_size;
    {
        std::lock_guard guard(m_backend_lock);
        if (m_backend)
            return fail("{} already holds {}; detach it first", name(), m_backend->path());
        m_backend = std::move(backend);
        m_serial = std::move(serial);
        m_capacity = sectors;
    }
    publish_capacity(sectors);
    return {};
}

Status VirtioBlk::detach()
{
    std::unique_ptr<BlockBackend> backend;
    {
        // Between two batches: every request popped so far is already in the backend.
        std::lock_guard guard(m_backend_lock);
        backend = std::move(m_backend);
        m_capacity = 0;
    }
    if (!backend)
        return fail("{} holds no disk", name());
    std::string path = backend->path();
    // The flush runs after what is queued (in order on the worker; drained by io_uring), and
    // destroying a backend completes everything in flight on this thread, so the result is
    // known once it is gone, and no completion can outlive the image.
    auto flushed = std::make_shared<std::atomic<int64_t>>(1);
    if (!backend->read_only())
        backend->flush([flushed](int64_t r) { flushed->store(r); });
    else
        flushed->store(0);
    backend->submit();
    backend.reset();
    publish_capacity(0);
    if (int64_t r = flushed->load(); r < 0)
        return fail("{}: flushing {} before detaching it failed: {}", name(), path, std::strerror(int(-r)));
    return {};
}

bool VirtioBlk::in_range(uint64_t sector, uint64_t sectors) const
{
    uint64_t capacity = m_capacity.load();
    return sector <= capacity && sectors <= capacity - sector;
}

void VirtioBlk::queue_notify(unsigned index)
{
    std::lock_guard guard(m_backend_lock);
    while (auto chain = pop(index))
        handle(std::move(*chain));
    // One kernel submission for everything this notification made available.
    if (m_backend)
        m_backend->submit();
}

void VirtioBlk::finish(DescriptorChain const& chain, uint8_t status)
{
    uint64_t writable = chain.writable_bytes();
    if (writable > 0)
        chain.write(memory(), writable - 1, std::span<uint8_t const>(&status, 1));
    complete(0, chain, static_cast<uint32_t>(writable));
}

void VirtioBlk::handle(DescriptorChain chain)
{
    // The last device-writable byte is the status; without one there is nowhere to report.
    if (chain.writable_bytes() == 0) {
        log::warn("{}: request without a status byte; returned unprocessed", name());
        complete(0, chain, 0);
        return;
    }
    // An empty slot (no medium attached) fails everything, as a drive without media does.
    if (!m_backend) {
        finish(chain, s_ioerr);
        return;
    }
    RequestHeader header {};
    if (chain.read(0, std::span(reinterpret_cast<uint8_t*>(&header), sizeof(header))) != sizeof(header)) {
        finish(chain, s_ioerr);
        return;
    }
    uint64_t data_out = chain.readable_bytes() - sizeof(header); // device-readable payload
    uint64_t data_in = chain.writable_bytes() - 1;                // device-writable payload

    auto shared = std::make_shared<DescriptorChain>(std::move(chain));
    auto status_of = [](int64_t r) { return r < 0 ? s_ioerr : s_ok; };

    switch (header.type) {
    case t_in: {
        if (data_in % sector_size || !in_range(header.sector, data_in / sector_size)) {
            finish(*shared, s_ioerr);
            return;
        }
        if (data_in == 0) {
            finish(*shared, s_ok);
            return;
        }
        m_backend->read(header.sector * sector_size, shared->writable_iovecs(0, data_in), [this, shared, data_in, status_of](int64_t r) {
            shared->note_written(memory(), 0, data_in);
            finish(*shared, status_of(r));
        });
        return;
    }
    case t_out: {
        if (m_backend->read_only() || data_out == 0 || data_out % sector_size || !in_range(header.sector, data_out / sector_size)) {
            finish(*shared, s_ioerr);
            return;
        }
        m_backend->write(header.sector * sector_size, shared->readable_iovecs(sizeof(header), data_out), [this, shared, status_of](int64_t r) { finish(*shared, status_of(r)); });
        return;
    }
    case t_flush:
        m_backend->flush([this, shared, status_of](int64_t r) { finish(*shared, status_of(r)); });
        return;
    case t_get_id: {
        uint64_t n = std::min<uint64_t>({ data_in, id_bytes, m_serial.size() });
        uint8_t id[id_bytes] = {};
        std::memcpy(id, m_serial.data(), n);
        // The id is NUL-padded to 20 bytes when the buffer has room.
        shared->write(memory(), 0, std::span<uint8_t const>(id, std::min<uint64_t>(data_in, id_bytes)));
        finish(*shared, s_ok);
        return;
    }
    case t_discard:
    case t_write_zeroes: {
        if (m_backend->read_only() || data_out != sizeof(DiscardSegment)) {
            finish(*shared, s_ioerr);
            return;
        }
        DiscardSegment seg {};
        shared->read(sizeof(header), std::span(reinterpret_cast<uint8_t*>(&seg), sizeof(seg)));
        bool unmap = seg.flags & 1;
        // Discard takes no flags; write-zeroes only the unmap bit (spec 5.2.6.2).
        if ((seg.flags & ~1u) || (header.type == t_discard && seg.flags != 0)) {
            finish(*shared, s_unsupp);
            return;
        }
        if (!in_range(seg.sector, seg.num_sectors)) {
            finish(*shared, s_ioerr);
            return;
        }
        auto done = [this, shared, status_of](int64_t r) { finish(*shared, status_of(r)); };
        if (header.type == t_discard)
            m_backend->discard(seg.sector * sector_size, uint64_t(seg.num_sectors) * sector_size, std::move(done));
        else
            m_backend->write_zeroes(seg.sector * sector_size, uint64_t(seg.num_sectors) * sector_size, unmap, std::move(done));
        return;
    }
    default:
        finish(*shared, s_unsupp);
        return;
    }
}

} // namespace xenith
