// JSON form of DomainConfig: `xm create -n` output, and how xend stores managed domains.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "toolstack/config/domain_config.h"

namespace xenith {

// Stable keys (sorted), snake_case, documented in docs/config.md. Enums are their xl
// spellings ("pv", "rename-restart", "raw", "file").
nlohmann::json to_json(DomainConfig const& config);
nlohmann::json to_json(DiskSpec const& disk);
nlohmann::json to_json(VifSpec const& vif);

// The inverse of to_json(DomainConfig); missing keys keep their defaults. Not validated:
// call validate_domain_config() afterwards.
Result<DomainConfig> domain_config_from_json(nlohmann::json const& json);

char const* to_string(DomainType type);
char const* to_string(LifecycleAction action);
char const* to_string(DiskFormat format);
char const* to_string(DiskBackend backend);

} // namespace xenith
