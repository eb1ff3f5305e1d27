// open_block_backend: picks the backend for a disk's kind.
#include "engine/io/block_backend.h"

#include "engine/io/block_file.h"
#include "engine/io/block_image.h"
#include "engine/io/block_uring.h"

namespace xenith {

Result<std::unique_ptr<BlockBackend>> open_block_backend(BlockOptions const& options)
{
    auto image = XENITH_TRY(BlockImage::open(options));
    switch (options.kind) {
    case BlockBackendKind::Aio: {
        if (!options.loop)
            return fail("disk {}: tap:aio: needs the domain's event loop", options.path);
        auto backend = XENITH_TRY(UringBlockBackend::create(std::move(image), *options.loop));
        return std::unique_ptr<BlockBackend>(std::move(backend));
    }
    case BlockBackendKind::File:
    case BlockBackendKind::Phy:
        return std::unique_ptr<BlockBackend>(std::make_unique<FileBlockBackend>(std::move(image)));
    }
    return fail("disk {}: unknown backend kind", options.path);
}

} // namespace xenith
