// xend's guest core dumps: which crashes get one, where they go, and xm dump-core.
#include <dirent.h>

#include <chrono>

#include "base/log.h"
#include "engine/domain/control_protocol.h"
#include "engine/domain/core_dump.h"
#include "toolstack/xend/xend.h"

namespace xenith {

using Json = nlohmann::json;

bool Xend::wants_crash_dump(DomainRecord const& r) const
{
    auto action = r.config.on_crash;
    return m_options.config.enable_dump || action == LifecycleAction::CoredumpDestroy
        || action == LifecycleAction::CoredumpRestart;
}

// xenith-vm names its dump DATE-NAME.ID.core; the newest one for this name and id is its.
std::string Xend::newest_core_dump(DomainRecord const& r) const
{
    std::string suffix = fmt::format("-{}.{}.core", r.name, r.id);
    std::string newest;
    if (DIR* dir = ::opendir(m_options.dirs.dump().c_str())) {
        while (dirent* entry = ::readdir(dir)) {
            std::string_view file = entry->d_name;
            if (file.ends_with(suffix) && file > std::string_view(newest))
                newest = file;
        }
        ::closedir(dir);
    }
    return newest.empty() ? newest : m_options.dirs.dump() + "/" + newest;
}

// xm dump-core [-C] DOMAIN [FILE]: the domain pauses while its memory is written; -C then
// destroys it, as Xen's "crash after dump".
Status Xend::begin_dump_core(Json const& args, Reply done)
{
    auto* record = XENITH_TRY(lookup_running(args));
    std::string path = args.value("path", std::string());
    if (path.empty())
        path = m_options.dirs.dump() + "/" + core_dump_file_name(record->name, record->id);
    else if (path[0] != '/')
        return fail("dump-core: '{}' is not an absolute file name", path);
    done = XENITH_TRY(claim(*record, "dump-core", std::move(done)));
    // Writing a large guest's RAM takes a while; the domain stays paused meanwhile.
    uint32_t id = record->id;
    bool crash = args.value("crash", false);
    await_call(*record, control::kOpDumpCore, { { "path", path } }, std::chrono::minutes(5), [this, id, path, crash, done](Result<Json> dumped) {
        auto* r = m_registry.find_by_id(id);
        if (!dumped) {
            done(std::move(dumped));
            return;
        }
        if (!r) {
            done(fail("domain {} ended while its core was dumped", id));
            return;
        }
        log::info("domain {} (id {}): core dump written to {}", r->name, id, path);
        if (!crash) {
            done(Json { { "path", path } });
            return;
        }
        destroy_domain(*r, [path, done](Result<Json> destroyed) {
            if (!destroyed)
                done(std::move(destroyed));
            else
                done(Json { { "path", path } });
        });
    });
    return {};
}

} // namespace xenith
