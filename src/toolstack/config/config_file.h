// ConfigFile: the generic parse of an xl/xm config file into settings with line numbers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace xenith {

// One value: an atom (quoted string or bare number, kept as written after unescaping)
// or a list of values. xl keeps numbers as text too; keys convert them when read.
struct ConfigValue {
    enum class Kind {
        String, // '...' or "..." (escapes already decoded)
        Number, // 256, 0755, 0x100: the digits as written
        List,   // [ value, value, ... ]
    };
    Kind kind { Kind::String };
    std::string text;               // String and Number
    std::vector<ConfigValue> items; // List
    unsigned line { 0 };            // where the value starts

    bool is_atom() const { return kind != Kind::List; }
    bool is_list() const { return kind == Kind::List; }
};

enum class ConfigOp {
    Assign, // KEY = VALUE
    Append, // KEY += VALUE (already concatenated with the earlier value, as xl does)
};

struct ConfigSetting {
    std::string key;
    ConfigOp op { ConfigOp::Assign };
    ConfigValue value;
    unsigned line { 0 }; // line of the key
    // Set when the setting came from elsewhere than the file (xm create VAR=VALUE); messages
    // name it instead of SOURCE:LINE.
    std::string origin;
};

struct ConfigFile {
    std::string source; // file name used in messages
    std::vector<ConfigSetting> settings; // in file order; a key may repeat

    // The setting in effect for `key`: the last one, as in xl. nullptr when absent.
    ConfigSetting const* find(std::string_view key) const;
};

// Parses xl.cfg(5) syntax. Errors read "SOURCE:LINE: config parsing error near `TEXT': WHY";
// a file that looks like Python gets xl's "looks like it contains Python code" message.
// Nothing is ever executed.
Result<ConfigFile> parse_config_text(std::string_view text, std::string source);

// Reads and parses a file; `path` is the source in messages. Refuses files over 1 MiB.
// `overrides` are `KEY=VALUE` / `KEY+=VALUE` assignments from a command line, appended after
// the file's last line as xl does (so the last one wins and += extends the file's value). A
// VALUE that is not valid xl syntax is taken as a string, as xm did (name=web).
Result<ConfigFile> read_config_file(std::string const& path, std::vector<std::string> const& overrides = {});

// Where a setting came from, for messages: "SOURCE:LINE" or its origin.
std::string setting_location(ConfigFile const& file, ConfigSetting const& setting);

// Decodes one number the way xl does (strtol base 0): 256, 0755 (octal), 0x1f (hex).
std::optional<uint64_t> parse_config_number(std::string_view text);

} // namespace xenith
