// XendConfig: the settings of xend-config.sxp that apply to Xenith.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace xenith {

struct XendConfig {
    std::string logfile;        // "" = xend's default (XENITH_LOG_DIR/xend.log)
    std::string loglevel { "info" }; // spdlog name: trace, debug, info, warn, err, critical
    std::string xend_unix_path; // "" = xend's default (XENITH_RUN_DIR/xend.sock)
    std::string xend_unix_group; // "" = owner only (0600); a group name or gid: 0660 for it
    uint64_t console_limit_kib { 1024 }; // per-domain console ring, KiB
    uint64_t dom0_min_mem_mib { 0 };     // 0 = no dom0 reservation
    bool enable_dump { false };          // keep core dumps of crashed domains
};

// Reads "(key value)" forms; other keys are ignored without error. xend's level names
// (DEBUG, INFO, WARNING, ERROR, CRITICAL) are mapped to spdlog's. Errors name SOURCE:LINE.
Result<XendConfig> parse_xend_config_text(std::string_view text, std::string const& source);

// A missing file is not an error: defaults are returned.
Result<XendConfig> load_xend_config(std::string const& path);

} // namespace xenith
