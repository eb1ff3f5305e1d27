// DomainStore: JSON files under the state and run directories.
#include "toolstack/xend/domain_store.h"

#include <charconv>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/unique_fd.h"
#include "toolstack/config/config_json.h"

namespace xenith {

namespace {

char const* phase_name(DomainPhase phase)
{
    switch (phase) {
    case DomainPhase::Inactive: return "inactive";
    case DomainPhase::Running: return "running";
    case DomainPhase::Shutdown: return "shutdown";
    case DomainPhase::Crashed: return "crashed";
    }
    return "inactive";
}

DomainPhase phase_from(std::string const& name)
{
    if (name == "running")
        return DomainPhase::Running;
    if (name == "shutdown")
        return DomainPhase::Shutdown;
    if (name == "crashed")
        return DomainPhase::Crashed;
    return DomainPhase::Inactive;
}

std::vector<std::string> json_files_in(std::string const& dir)
{
    std::vector<std::string> out;
    DIR* d = ::opendir(dir.c_str());
    if (!d)
        return out;
    while (auto* entry = ::readdir(d)) {
        std::string name = entry->d_name;
        if (name.size() > 5 && name.ends_with(".json"))
            out.push_back(dir + "/" + name);
    }
    ::closedir(d);
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

nlohmann::json record_to_json(DomainRecord const& r)
{
    return {
        { "id", r.id == kNoDomainId ? nlohmann::json(nullptr) : nlohmann::json(r.id) },
        { "name", r.name },
        { "uuid", r.uuid },
        { "config", to_json(r.config) },
        { "managed", r.managed },
        { "phase", phase_name(r.phase) },
        { "paused", r.paused },
        { "monitor_pid", r.monitor_pid },
        { "monitor_start", r.monitor_start },
        { "vm_pid", r.vm_pid },
        { "start_time", r.start_time },
        { "ram_mib", r.ram_mib },
        { "run_dir", r.run_dir },
        { "control", r.control_path },
        { "console", r.console_path },
        { "console_log", r.console_log },
        { "vm_log", r.vm_log },
    };
}

Result<DomainRecord> record_from_json(nlohmann::json const& j, std::string const& source)
{
    if (!j.is_object())
        return fail("{}: not a JSON object", source);
    DomainRecord r;
    try {
        if (j.contains("id") && j["id"].is_number_unsigned())
            r.id = j["id"].get<uint32_t>();
        r.name = j.at("name").get<std::string>();
        r.uuid = j.value("uuid", std::string());
        auto config = domain_config_from_json(j.at("config"));
        if (!config)
            return fail("{}: config: {}", source, config.error().message());
        r.config = std::move(*config);
        r.managed = j.value("managed", false);
        r.phase = phase_from(j.value("phase", std::string("inactive")));
        r.paused = j.value("paused", false);
        r.monitor_pid = j.value("monitor_pid", 0);
        r.monitor_start = j.value("monitor_start", uint64_t(0));
        r.vm_pid = j.value("vm_pid", 0);
        r.start_time = j.value("start_time", 0.0);
        r.ram_mib = j.value("ram_mib", uint64_t(0));
        r.run_dir = j.value("run_dir", std::string());
        r.control_path = j.value("control", std::string());
        r.console_path = j.value("console", std::string());
        r.console_log = j.value("console_log", std::string());
        r.vm_log = j.value("vm_log", std::string());
    } catch (nlohmann::json::exception const& e) {
        // nlohmann reports type errors by exception; it stops here.
        return fail("{}: {}", source, e.what());
    }
    if (r.name.empty())
        return fail("{}: empty domain name", source);
    return r;
}

Status make_directories(std::string const& path)
{
    std::string partial;
    size_t pos = 0;
    while (pos != std::string::npos) {
        pos = path.find('/', pos + 1);
        partial = path.substr(0, pos);
        if (partial.empty())
            continue;
        if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST)
            return fail_errno(fmt::format("mkdir {}", partial));
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        return fail("{} is not a directory", path);
    return {};
}

Status write_file_atomically(std::string const& path, std::string const& contents)
{
    std::string tmp = path + ".tmp";
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd)
        return fail_errno(fmt::format("write {}", tmp));
    size_t done = 0;
    while (done < contents.size()) {
        ssize_t n = ::write(fd.get(), contents.data() + done, contents.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return fail_errno(fmt::format("write {}", tmp));
        done += size_t(n);
    }
    if (::fsync(fd.get()) != 0)
        return fail_errno(fmt::format("fsync {}", tmp));
    fd.reset();
    if (::rename(tmp.c_str(), path.c_str()) != 0)
        return fail_errno(fmt::format("rename {} to {}", tmp, path));
    return {};
}

Result<std::string> read_small_file(std::string const& path)
{
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        return fail_errno(path);
    std::string out;
    char buffer[65536];
    for (;;) {
        ssize_t n = ::read(fd.get(), buffer, sizeof(buffer));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return fail_errno(path);
        if (n == 0)
            break;
        out.append(buffer, size_t(n));
        if (out.size() > 16 * 1024 * 1024)
            return fail("{}: larger than 16 MiB", path);
    }
    return out;
}

DomainStore::DomainStore(std::string state_dir, std::string run_dir)
    : m_state_dir(std::move(state_dir))
    , m_run_dir(std::move(run_dir))
{
}

Status DomainStore::prepare()
{
    XENITH_TRY(make_directories(m_state_dir + "/domains"));
    XENITH_TRY(make_directories(m_run_dir + "/domains"));
    return {};
}

Result<uint32_t> DomainStore::load_next_id()
{
    std::string path = m_state_dir + "/next-id";
    if (::access(path.c_str(), F_OK) != 0)
        return 1u;
    auto text = XENITH_TRY(read_small_file(path));
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    uint32_t id = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || ptr != text.data() + text.size() || id == 0)
        return fail("{}: expected a positive domain id, found '{}'", path, text);
    return id;
}

Status DomainStore::save_next_id(uint32_t next_id)
{
    return write_file_atomically(m_state_dir + "/next-id", fmt::format("{}\n", next_id));
}

Status DomainStore::save_managed(DomainRecord const& record)
{
    nlohmann::json j = { { "name", record.name }, { "uuid", record.uuid }, { "config", to_json(record.config) }, { "managed", true } };
    return write_file_atomically(m_state_dir + "/domains/" + record.name + ".json", j.dump(2) + "\n");
}

Status DomainStore::remove_managed(std::string const& name)
{
    std::string path = m_state_dir + "/domains/" + name + ".json";
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        return fail_errno(fmt::format("remove {}", path));
    return {};
}

std::vector<DomainRecord> DomainStore::load_managed(std::vector<std::string>& problems)
{
    std::vector<DomainRecord> out;
    for (auto const& path : json_files_in(m_state_dir + "/domains")) {
        auto text = read_small_file(path);
        if (!text) {
            problems.push_back(text.error().message());
            continue;
        }
        auto record = record_from_json(nlohmann::json::parse(*text, nullptr, false), path);
        if (!record) {
            problems.push_back(record.error().message());
            continue;
        }
        record->managed = true;
        record->id = kNoDomainId;
        record->phase = DomainPhase::Inactive;
        out.push_back(std::move(*record));
    }
    return out;
}

Status DomainStore::save_running(DomainRecord const& record)
{
    return write_file_atomically(fmt::format("{}/domains/{}.json", m_run_dir, record.id), record_to_json(record).dump(2) + "\n");
}

Status DomainStore::remove_running(uint32_t id)
{
    std::string path = fmt::format("{}/domains/{}.json", m_run_dir, id);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        return fail_errno(fmt::format("remove {}", path));
    return {};
}

std::vector<DomainRecord> DomainStore::load_running(std::vector<std::string>& problems)
{
    std::vector<DomainRecord> out;
    for (auto const& path : json_files_in(m_run_dir + "/domains")) {
        auto text = read_small_file(path);
        if (!text) {
            problems.push_back(text.error().message());
            continue;
        }
        auto record = record_from_json(nlohmann::json::parse(*text, nullptr, false), path);
        if (!record) {
            problems.push_back(record.error().message());
            continue;
        }
        if (record->id == kNoDomainId) {
            problems.push_back(fmt::format("{}: no domain id", path));
            continue;
        }
        out.push_back(std::move(*record));
    }
    return out;
}

std::string DomainStore::domain_run_dir(uint32_t id) const
{
    return fmt::format("{}/domains/{}", m_run_dir, id);
}

} // namespace xenith
