// Turns a parsed xl/xm config file into a validated DomainConfig, with warnings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "toolstack/config/config_file.h"
#include "toolstack/config/domain_config.h"

namespace xenith {

// Warnings (unknown, deprecated or unsupported keys: things to fix) are appended to
// `warnings`, one line each, "SOURCE:LINE: KEY: what; use REPLACEMENT". Notes (info level: a
// translation done as intended, such as root = "/dev/xvda" becoming /dev/vda) go to `notes`
// when given, in the same form. Nothing is printed.
// Errors are one line: "SOURCE:LINE: KEY: what was wrong (what would be valid)".
Result<DomainConfig> domain_config_from_file(ConfigFile const& file, std::vector<std::string>& warnings,
    std::vector<std::string>* notes = nullptr);

// parse_config_text + domain_config_from_file. `source` names the text in messages.
Result<DomainConfig> domain_config_from_text(std::string_view text, std::string source, std::vector<std::string>& warnings,
    std::vector<std::string>* notes = nullptr);

// Reads `path` (used as given: resolving /etc/xen/NAME is the caller's job), then applies
// command-line `KEY=VALUE` overrides (see read_config_file).
Result<DomainConfig> load_domain_config(std::string const& path, std::vector<std::string>& warnings,
    std::vector<std::string> const& overrides = {}, std::vector<std::string>* notes = nullptr);

// Checks a DomainConfig however it was built (file, JSON, API): required keys, ranges,
// disk index clashes. Messages name source_path when set, but no line.
Status validate_domain_config(DomainConfig const& config);

// Domain names: 1..64 characters from [A-Za-z0-9_.:+-], not purely numeric (xm would read it
// as a domain id), not "Domain-0". Returns the reason when invalid.
Status validate_domain_name(std::string_view name);

// Parses a lifecycle action name ("destroy", "rename-restart", ...).
Result<LifecycleAction> parse_lifecycle_action(std::string_view text);

} // namespace xenith
