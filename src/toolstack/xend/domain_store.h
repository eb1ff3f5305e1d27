// DomainStore: what xend keeps on disk so it survives its own restart.
//   STATE_DIR/next-id                 the next domain id (ids are never reused)
//   STATE_DIR/domains/NAME.json       managed domains (xm new), config as JSON
//   RUN_DIR/domains/ID.json           running domains: pids, sockets, config
// Files are replaced atomically (write to a temporary, then rename).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "toolstack/xend/domain_record.h"

namespace xenith {

nlohmann::json record_to_json(DomainRecord const& record);
Result<DomainRecord> record_from_json(nlohmann::json const& json, std::string const& source);

class DomainStore {
public:
    DomainStore(std::string state_dir, std::string run_dir);

    // Creates the directories (mode 0700).
    Status prepare();

    Result<uint32_t> load_next_id();
    Status save_next_id(uint32_t next_id);

    Status save_managed(DomainRecord const& record);
    Status remove_managed(std::string const& name);
    // Each file that cannot be read is reported in `problems` and skipped.
    std::vector<DomainRecord> load_managed(std::vector<std::string>& problems);

    Status save_running(DomainRecord const& record);
    Status remove_running(uint32_t id);
    std::vector<DomainRecord> load_running(std::vector<std::string>& problems);

    // RUN_DIR/domains/ID/: the domain's sockets and exit file.
    std::string domain_run_dir(uint32_t id) const;

private:
    std::string m_state_dir;
    std::string m_run_dir;
};

// Writes `contents` to `path` atomically, mode 0600.
Status write_file_atomically(std::string const& path, std::string const& contents);
Result<std::string> read_small_file(std::string const& path);
// mkdir -p with mode 0700 for the directories it creates.
Status make_directories(std::string const& path);

} // namespace xenith
