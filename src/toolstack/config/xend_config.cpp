// xend-config.sxp: a small s-expression reader and the handful of settings xend uses.
#include "toolstack/config/xend_config.h"

#include <cctype>
#include <fstream>
#include <optional>
#include <vector>

#include "toolstack/config/config_file.h"

namespace xenith {

namespace {

struct Sexp {
    bool is_list { false };
    std::string atom;
    std::vector<Sexp> items;
    unsigned line { 0 };
};

constexpr unsigned max_depth = 32;

class SexpReader {
public:
    SexpReader(std::string_view text, std::string const& source)
        : m_text(text)
        , m_source(source)
    {
    }

    Result<std::vector<Sexp>> read_all()
    {
        std::vector<Sexp> forms;
        while (true) {
            skip_blank();
            if (m_pos >= m_text.size())
                return forms;
            forms.push_back(XENITH_TRY(read(0)));
        }
    }

private:
    void skip_blank()
    {
        while (m_pos < m_text.size()) {
            char c = m_text[m_pos];
            if (c == '\n') {
                ++m_line;
                ++m_pos;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                ++m_pos;
            } else if (c == '#') {
                while (m_pos < m_text.size() && m_text[m_pos] != '\n')
                    ++m_pos;
            } else {
                break;
            }
        }
    }

    Result<Sexp> read(unsigned depth)
    {
        Sexp out;
        out.line = m_line;
        char c = m_text[m_pos];
        if (c == ')')
            return fail("{}:{}: unexpected `)' with no matching `('", m_source, m_line);
        if (c == '(') {
            if (depth >= max_depth)
                return fail("{}:{}: s-expressions nested more than {} deep", m_source, m_line, max_depth);
            unsigned open_line = m_line;
            out.is_list = true;
            ++m_pos;
            while (true) {
                skip_blank();
                if (m_pos >= m_text.size())
                    return fail("{}:{}: `(' is never closed (add a `)')", m_source, open_line);
                if (m_text[m_pos] == ')') {
                    ++m_pos;
                    return out;
                }
                out.items.push_back(XENITH_TRY(read(depth + 1)));
            }
        }
        if (c == '\'' || c == '"') {
            ++m_pos;
            while (true) {
                if (m_pos >= m_text.size() || m_text[m_pos] == '\n')
                    return fail("{}:{}: unterminated quoted string", m_source, out.line);
                char d = m_text[m_pos++];
                if (d == c)
                    return out;
                if (d == '\\' && m_pos < m_text.size() && m_text[m_pos] != '\n')
                    d = m_text[m_pos++];
                out.atom += d;
            }
        }
        while (m_pos < m_text.size()) {
            char d = m_text[m_pos];
            if (d == '(' || d == ')' || d == ' ' || d == '\t' || d == '\r' || d == '\n' || d == '#' || d == '\'' || d == '"')
                break;
            out.atom += d;
            ++m_pos;
        }
        return out;
    }

    std::string_view m_text;
    std::string const& m_source;
    size_t m_pos { 0 };
    unsigned m_line { 1 };
};

std::string lower(std::string s)
{
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

} // namespace

Result<XendConfig> parse_xend_config_text(std::string_view text, std::string const& source)
{
    XendConfig config;
    auto forms = XENITH_TRY(SexpReader(text, source).read_all());
    for (auto const& form : forms) {
        if (!form.is_list || form.items.empty() || form.items[0].is_list)
            return fail("{}:{}: expected a (key value) setting, e.g. (logfile /var/log/xenith/xend.log)", source, form.line);
        std::string const& key = form.items[0].atom;
        auto value = [&](std::string_view example) -> Result<std::string> {
            if (form.items.size() != 2 || form.items[1].is_list)
                return fail("{}:{}: {}: expected exactly one value, e.g. {}", source, form.line, key, example);
            return form.items[1].atom;
        };
        auto number = [&](std::string_view unit, std::string_view example) -> Result<uint64_t> {
            std::string text = XENITH_TRY(value(example));
            auto n = parse_config_number(text);
            if (!n)
                return fail("{}:{}: {}: \"{}\" is not a number (expected {}, e.g. {})", source, form.line, key, text, unit, example);
            return *n;
        };
        if (key == "logfile") {
            config.logfile = XENITH_TRY(value("(logfile /var/log/xenith/xend.log)"));
        } else if (key == "loglevel") {
            std::string level = lower(XENITH_TRY(value("(loglevel INFO)")));
            if (level == "debug" || level == "info" || level == "trace")
                config.loglevel = level;
            else if (level == "warning" || level == "warn")
                config.loglevel = "warn";
            else if (level == "error" || level == "err")
                config.loglevel = "err";
            else if (level == "critical")
                config.loglevel = "critical";
            else
                return fail("{}:{}: loglevel: \"{}\" is not a level (expected DEBUG, INFO, WARNING, ERROR or CRITICAL)",
                    source, form.line, form.items[1].atom);
        } else if (key == "xend-unix-path") {
            config.xend_unix_path = XENITH_TRY(value("(xend-unix-path /run/xenith/xend.sock)"));
        } else if (key == "xend-unix-group") {
            config.xend_unix_group = XENITH_TRY(value("(xend-unix-group xen)"));
        } else if (key == "console-limit") {
            uint64_t kib = XENITH_TRY(number("KiB", "(console-limit 1024)"));
            if (kib < 1 || kib > 1024 * 1024)
                return fail("{}:{}: console-limit: {} is outside 1..1048576 KiB (e.g. (console-limit 1024))", source,
                    form.line, kib);
            config.console_limit_kib = kib;
        } else if (key == "dom0-min-mem") {
            config.dom0_min_mem_mib = XENITH_TRY(number("MiB", "(dom0-min-mem 256)"));
        } else if (key == "enable-dump") {
            std::string flag = lower(XENITH_TRY(value("(enable-dump no)")));
            if (flag == "yes" || flag == "true" || flag == "on" || flag == "1")
                config.enable_dump = true;
            else if (flag == "no" || flag == "false" || flag == "off" || flag == "0")
                config.enable_dump = false;
            else
                return fail("{}:{}: enable-dump: \"{}\" is not yes or no (e.g. (enable-dump yes))", source, form.line,
                    form.items[1].atom);
        }
        // Every other xend setting (relocation, network-script, dom0-cpus, ...) is ignored.
    }
    return config;
}

Result<XendConfig> load_xend_config(std::string const& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (errno == ENOENT)
            return XendConfig {};
        return fail_errno(path + ": unable to open xend configuration");
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.size() > (1u << 20))
        return fail("{}: larger than 1 MiB; is it really xend-config.sxp?", path);
    return parse_xend_config_text(text, path);
}

} // namespace xenith
