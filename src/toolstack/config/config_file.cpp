// The xl.cfg(5) grammar: a hand-written lexer and recursive-descent parser, plus Python detection.
#include "toolstack/config/config_file.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace xenith {

namespace {

enum class Tok {
    Ident,
    Number,
    String,
    Comma,
    LBracket,
    RBracket,
    Assign,
    Append,
    Semicolon,
    Newline,
    End,
    Bad, // a character the grammar has no use for
};

struct Token {
    Tok kind { Tok::End };
    std::string text;     // decoded text for strings, raw text otherwise
    std::string raw;      // as written, for messages
    unsigned line { 1 };
};

// Lists may nest; hostile files must not blow the stack.
constexpr unsigned max_list_depth = 32;
constexpr size_t max_file_size = 1 << 20;

bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string describe(Token const& token)
{
    switch (token.kind) {
    case Tok::Newline:
        return "<newline>";
    case Tok::End:
        return "<end of file>";
    default:
        // Hostile files can hold megabyte-long words; the message needs only their start.
        return "`" + (token.raw.size() > 60 ? token.raw.substr(0, 57) + "..." : token.raw) + "'";
    }
}

class Parser {
public:
    Parser(std::string_view text, std::string const& source)
        : m_text(text)
        , m_source(source)
    {
    }

    Result<std::vector<ConfigSetting>> parse_file()
    {
        std::vector<ConfigSetting> settings;
        XENITH_TRY(advance());
        while (m_token.kind != Tok::End) {
            if (m_token.kind == Tok::Newline || m_token.kind == Tok::Semicolon) {
                XENITH_TRY(advance());
                continue;
            }
            if (m_token.kind != Tok::Ident)
                return syntax_error(m_token, "expected a setting such as `memory = 256'");
            ConfigSetting setting;
            setting.key = m_token.text;
            setting.line = m_token.line;
            Token key_token = m_token;
            XENITH_TRY(advance());
            if (m_token.kind == Tok::Assign)
                setting.op = ConfigOp::Assign;
            else if (m_token.kind == Tok::Append)
                setting.op = ConfigOp::Append;
            else
                return syntax_error(m_token, "expected `=' or `+=' after `" + key_token.text + "'");
            XENITH_TRY(advance());
            setting.value = XENITH_TRY(parse_value(setting.key, 0));
            if (m_token.kind != Tok::Newline && m_token.kind != Tok::Semicolon && m_token.kind != Tok::End)
                return syntax_error(m_token, "expected a newline or `;' after the value of `" + setting.key + "'");
            XENITH_TRY(store(settings, std::move(setting)));
        }
        return settings;
    }

private:
    std::unexpected<Error> syntax_error(Token const& near, std::string const& why)
    {
        return fail("{}:{}: config parsing error near {}: {}", m_source, near.line, describe(near), why);
    }

    // xl's += : concatenate with the earlier value of the same key (strings or lists).
    Status store(std::vector<ConfigSetting>& settings, ConfigSetting setting)
    {
        if (setting.op == ConfigOp::Append) {
            for (auto it = settings.rbegin(); it != settings.rend(); ++it) {
                if (it->key != setting.key)
                    continue;
                if (it->value.is_list() != setting.value.is_list())
                    return fail("{}:{}: {}: can't add [list] to \"string\" or vice versa (line {} set it to a {})",
                        m_source, setting.line, setting.key, it->line, it->value.is_list() ? "list" : "single value");
                if (setting.value.is_list()) {
                    auto items = it->value.items;
                    items.insert(items.end(), std::make_move_iterator(setting.value.items.begin()),
                        std::make_move_iterator(setting.value.items.end()));
                    setting.value.items = std::move(items);
                } else {
                    setting.value.text = it->value.text + setting.value.text;
                    if (it->value.kind == ConfigValue::Kind::String)
                        setting.value.kind = ConfigValue::Kind::String;
                }
                break;
            }
        }
        settings.push_back(std::move(setting));
        return {};
    }

    // Skips newlines, which are allowed anywhere inside brackets.
    Status skip_newlines()
    {
        while (m_token.kind == Tok::Newline)
            XENITH_TRY(advance());
        return {};
    }

    Result<ConfigValue> parse_value(std::string const& key, unsigned depth)
    {
        ConfigValue value;
        value.line = m_token.line;
        switch (m_token.kind) {
        case Tok::String:
            value.kind = ConfigValue::Kind::String;
            value.text = m_token.text;
            XENITH_TRY(advance());
            return value;
        case Tok::Number:
            value.kind = ConfigValue::Kind::Number;
            value.text = m_token.text;
            XENITH_TRY(advance());
            return value;
        case Tok::Ident:
            return fail("{}:{}: config parsing error near `{}': strings must be quoted (e.g. {} = \"{}\")", m_source,
                m_token.line, m_token.raw, key, m_token.raw);
        case Tok::LBracket:
            break;
        default:
            return syntax_error(m_token, "expected a value: a 'string', a number or a [list]");
        }
        if (depth >= max_list_depth)
            return syntax_error(m_token, fmt::format("lists nested more than {} deep", max_list_depth));
        value.kind = ConfigValue::Kind::List;
        XENITH_TRY(advance());
        XENITH_TRY(skip_newlines());
        while (m_token.kind != Tok::RBracket) {
            value.items.push_back(XENITH_TRY(parse_value(key, depth + 1)));
            XENITH_TRY(skip_newlines());
            if (m_token.kind == Tok::Comma) {
                XENITH_TRY(advance());
                XENITH_TRY(skip_newlines());
                continue;
            }
            if (m_token.kind != Tok::RBracket)
                return syntax_error(m_token, "expected `,' or `]' in the list");
        }
        XENITH_TRY(advance());
        return value;
    }

    Status advance()
    {
        m_token = XENITH_TRY(lex());
        if (m_token.kind == Tok::Bad)
            return syntax_error(m_token, "lexical error");
        return {};
    }

    Result<Token> lex()
    {
        // Blanks and comments; a comment runs to the end of the line, which stays a token.
        while (m_pos < m_text.size()) {
            char c = m_text[m_pos];
            if (c == ' ' || c == '\t' || c == '\r') {
                ++m_pos;
            } else if (c == '#') {
                while (m_pos < m_text.size() && m_text[m_pos] != '\n')
                    ++m_pos;
            } else {
                break;
            }
        }
        Token token;
        token.line = m_line;
        if (m_pos >= m_text.size()) {
            token.kind = Tok::End;
            return token;
        }
        size_t start = m_pos;
        char c = m_text[m_pos];
        auto single = [&](Tok kind) {
            ++m_pos;
            token.kind = kind;
            token.raw = token.text = std::string(1, c);
            return token;
        };
        switch (c) {
        case '\n':
            ++m_pos;
            ++m_line;
            token.kind = Tok::Newline;
            return token;
        case ',':
            return single(Tok::Comma);
        case '[':
            return single(Tok::LBracket);
        case ']':
            return single(Tok::RBracket);
        case '=':
            return single(Tok::Assign);
        case ';':
            return single(Tok::Semicolon);
        case '+':
            if (m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '=') {
                m_pos += 2;
                token.kind = Tok::Append;
                token.raw = token.text = "+=";
                return token;
            }
            break;
        case '\'':
        case '"':
            return lex_string(token);
        default:
            break;
        }
        if (is_ident_start(c)) {
            while (m_pos < m_text.size() && is_ident_char(m_text[m_pos]))
                ++m_pos;
            token.kind = Tok::Ident;
        } else if (is_digit(c)) {
            // Digits and whatever letters follow ("256M", "1.5"): checked when the key is read,
            // so the message can name the key and say what a valid number looks like.
            while (m_pos < m_text.size() && (is_ident_char(m_text[m_pos]) || m_text[m_pos] == '.'))
                ++m_pos;
            token.kind = Tok::Number;
        } else {
            // Like xl, take the rest of the word for the message.
            while (m_pos < m_text.size() && m_text[m_pos] != ' ' && m_text[m_pos] != '\t' && m_text[m_pos] != '\n')
                ++m_pos;
            token.kind = Tok::Bad;
        }
        token.raw = token.text = std::string(m_text.substr(start, m_pos - start));
        return token;
    }

    Result<Token> lex_string(Token token)
    {
        char quote = m_text[m_pos];
        size_t start = m_pos++;
        std::string out;
        while (true) {
            if (m_pos >= m_text.size() || m_text[m_pos] == '\n') {
                token.raw = std::string(m_text.substr(start, m_pos - start));
                return fail("{}:{}: config parsing error near `{}': unterminated quoted string (strings end on the "
                            "same line with a matching {})",
                    m_source, token.line, token.raw, quote == '"' ? "\"" : "'");
            }
            char c = m_text[m_pos++];
            if (c == quote)
                break;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (m_pos >= m_text.size() || m_text[m_pos] == '\n')
                continue; // reported as unterminated on the next round
            char e = m_text[m_pos++];
            switch (e) {
            case '"':
            case '\'':
            case '\\':
                out += e;
                break;
            case 'a':
                out += '\a';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'v':
                out += '\v';
                break;
            case 'x': {
                unsigned value = 0, digits = 0;
                while (digits < 2 && m_pos < m_text.size() && std::isxdigit(static_cast<unsigned char>(m_text[m_pos]))) {
                    char h = m_text[m_pos++];
                    value = value * 16 + (is_digit(h) ? h - '0' : (std::tolower(h) - 'a' + 10));
                    ++digits;
                }
                if (digits == 0)
                    return string_error(token, start, "invalid digit after backslash hex numerical character escape");
                if (value == 0)
                    return string_error(token, start, "a NUL character (\\x00) cannot appear in a string");
                out += static_cast<char>(value);
                break;
            }
            default:
                if (e >= '0' && e <= '7') {
                    unsigned value = e - '0', digits = 1;
                    while (digits < 3 && m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '7') {
                        value = value * 8 + (m_text[m_pos++] - '0');
                        ++digits;
                    }
                    if (value == 0 || value > 255)
                        return string_error(token, start,
                            value ? "octal character escape above \\377" : "a NUL character (\\0) cannot appear in a string");
                    out += static_cast<char>(value);
                    break;
                }
                return string_error(token, start,
                    fmt::format("invalid character after backslash in quoted string: `\\{}' (valid: \\\\ \\' \\\" \\n "
                                "\\t \\r \\a \\b \\f \\v \\xHH \\OOO)",
                        e));
            }
        }
        token.kind = Tok::String;
        token.text = std::move(out);
        token.raw = std::string(m_text.substr(start, m_pos - start));
        return token;
    }

    std::unexpected<Error> string_error(Token const& token, size_t start, std::string const& why)
    {
        size_t end = m_text.find('\n', start);
        std::string_view raw = m_text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        return fail("{}:{}: config parsing error near `{}': {}", m_source, token.line, raw, why);
    }

    std::string_view m_text;
    std::string const& m_source;
    size_t m_pos { 0 };
    unsigned m_line { 1 };
    Token m_token;
};

// Blanks out quoted strings and comments so that only code remains.
std::string strip_strings_and_comment(std::string_view line)
{
    std::string out;
    char quote = 0;
    for (size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quote) {
            if (c == '\\')
                ++i;
            else if (c == quote)
                quote = 0;
            out += ' ';
        } else if (c == '\'' || c == '"') {
            quote = c;
            out += ' ';
        } else if (c == '#') {
            break;
        } else {
            out += c;
        }
    }
    return out;
}

bool is_word_char(char c) { return is_ident_char(c); }

// Whether one line (strings and comments already blanked) is Python rather than xl syntax.
// Hand-written and linear: this runs on hostile files, and std::regex recurses per character.
bool looks_like_python(std::string_view code)
{
    size_t first = code.find_first_not_of(" \t");
    if (first == std::string_view::npos)
        return false;
    code.remove_prefix(first);
    size_t last = code.find_last_not_of(" \t\r");
    code = code.substr(0, last + 1);
    size_t word_end = 0;
    while (word_end < code.size() && is_word_char(code[word_end]))
        ++word_end;
    std::string_view word = code.substr(0, word_end);
    bool followed_by_blank = word_end < code.size() && (code[word_end] == ' ' || code[word_end] == '\t');
    if ((word == "import" || word == "def" || word == "class" || word == "del" || word == "lambda") && followed_by_blank)
        return true;
    if (word == "from" && code.find(" import ") != std::string_view::npos)
        return true;
    if ((word == "print" || word == "return") && (followed_by_blank || word_end == code.size()))
        return true;
    static constexpr std::string_view block_words[] { "if", "elif", "else", "for", "while", "try", "except", "finally", "with" };
    for (auto block : block_words) {
        if (word == block && code.back() == ':')
            return true;
    }
    for (size_t i = 0; i < code.size(); ++i) {
        char c = code[i];
        // name( or name . name: a call or an attribute, where the name starts with a letter.
        if (is_ident_start(c) && (i == 0 || !is_word_char(code[i - 1]))) {
            size_t end = i;
            while (end < code.size() && is_word_char(code[end]))
                ++end;
            size_t next = end;
            while (next < code.size() && code[next] == ' ')
                ++next;
            if (next < code.size() && code[next] == '(')
                return true;
            if (end + 1 < code.size() && code[end] == '.' && is_ident_start(code[end + 1]))
                return true;
            i = end - 1;
        } else if (c == '%' && i > 0 && (code[i - 1] == ' ' || code[i - 1] == '\t')) {
            size_t next = i + 1;
            while (next < code.size() && code[next] == ' ')
                ++next;
            if (next < code.size() && (is_word_char(code[next]) || code[next] == '('))
                return true;
        }
    }
    return false;
}

// The first line that is Python rather than xl syntax, or 0. Checked only after a parse
// error, so a valid config is never misjudged.
unsigned find_python_line(std::string_view text, std::string& line_text)
{
    unsigned line_no = 1;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t end = text.find('\n', pos);
        std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
        if (looks_like_python(strip_strings_and_comment(line))) {
            size_t first = line.find_first_not_of(" \t");
            size_t last = line.find_last_not_of(" \t\r");
            line_text = std::string(line.substr(first, last - first + 1));
            if (line_text.size() > 80)
                line_text = line_text.substr(0, 77) + "...";
            return line_no;
        }
        if (end == std::string_view::npos)
            break;
        pos = end + 1;
        ++line_no;
    }
    return 0;
}

} // namespace

ConfigSetting const* ConfigFile::find(std::string_view key) const
{
    for (auto it = settings.rbegin(); it != settings.rend(); ++it) {
        if (it->key == key)
            return &*it;
    }
    return nullptr;
}

Result<ConfigFile> parse_config_text(std::string_view text, std::string source)
{
    ConfigFile file;
    file.source = std::move(source);
    Parser parser(text, file.source);
    auto settings = parser.parse_file();
    if (!settings) {
        std::string python_text;
        if (unsigned line = find_python_line(text, python_text)) {
            return fail("{}:{}: config file looks like it contains Python code (`{}'): arbitrary Python is not "
                        "supported and xm/xl config files are never executed; write KEY = VALUE settings instead "
                        "(see https://wiki.xen.org/wiki/PythonInXlConfig)",
                file.source, line, python_text);
        }
        return std::unexpected(settings.error());
    }
    file.settings = std::move(*settings);
    return file;
}

namespace {

// One `KEY=VALUE` from a command line as an xl line: as written when that parses, else with
// VALUE quoted as a string (xm took `name=web` as the string "web").
Result<std::string> override_line(std::string const& assignment)
{
    std::string source = fmt::format("command line '{}'", assignment);
    size_t equals = assignment.find('=');
    size_t key_end = equals != std::string::npos && equals > 0 && assignment[equals - 1] == '+' ? equals - 1 : equals;
    std::string key = equals == std::string::npos ? std::string() : assignment.substr(0, key_end);
    bool key_ok = !key.empty() && !is_digit(key[0])
        && std::all_of(key.begin(), key.end(), [](char c) { return is_word_char(c); });
    if (assignment.find('\n') != std::string::npos)
        return fail("{}: a setting on the command line must be one line", source);
    if (!key_ok)
        return fail("{}: not a KEY=VALUE setting (e.g. memory=512, name=web, vif+=['bridge=xenbr1'])", source);
    if (parse_config_text(assignment, source))
        return assignment;
    std::string value = assignment.substr(equals + 1);
    if (!value.empty() && (value[0] == '\'' || value[0] == '"' || value[0] == '['))
        return std::unexpected(parse_config_text(assignment, source).error());
    std::string quoted = "'";
    for (char c : value) {
        if (c == '\\' || c == '\'')
            quoted += '\\';
        quoted += c;
    }
    quoted += "'";
    std::string line = assignment.substr(0, equals + 1) + quoted;
    XENITH_TRY(parse_config_text(line, source));
    return line;
}

} // namespace

Result<ConfigFile> read_config_file(std::string const& path, std::vector<std::string> const& overrides)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return fail_errno(path + ": unable to open configuration file");
    std::string text;
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        text.append(buffer, static_cast<size_t>(in.gcount()));
        if (text.size() > max_file_size)
            return fail("{}: configuration file is larger than 1 MiB; is it really a domain config?", path);
    }
    if (in.bad())
        return fail_errno(path + ": unable to read configuration file");
    if (text.find('\0') != std::string::npos)
        return fail("{}: configuration file contains NUL bytes; is it really a domain config?", path);
    if (overrides.empty())
        return parse_config_text(text, path);

    // xl appends the command line's settings to the file's text; so do we, then name them.
    if (!text.empty() && text.back() != '\n')
        text += '\n';
    unsigned file_lines = static_cast<unsigned>(std::count(text.begin(), text.end(), '\n'));
    for (auto const& assignment : overrides)
        text += XENITH_TRY(override_line(assignment)) + "\n";
    ConfigFile file = XENITH_TRY(parse_config_text(text, path));
    for (auto& setting : file.settings) {
        if (setting.line > file_lines && setting.line - file_lines <= overrides.size())
            setting.origin = fmt::format("command line '{}'", overrides[setting.line - file_lines - 1]);
    }
    return file;
}

std::string setting_location(ConfigFile const& file, ConfigSetting const& setting)
{
    return setting.origin.empty() ? fmt::format("{}:{}", file.source, setting.line) : setting.origin;
}

std::optional<uint64_t> parse_config_number(std::string_view text)
{
    if (text.empty() || !is_digit(text[0]))
        return std::nullopt;
    unsigned base = 10;
    size_t pos = 0;
    if (text.size() > 1 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        pos = 2;
        if (pos == text.size())
            return std::nullopt;
    } else if (text.size() > 1 && text[0] == '0') {
        base = 8;
        pos = 1;
    }
    uint64_t value = 0;
    for (; pos < text.size(); ++pos) {
        char c = text[pos];
        unsigned digit;
        if (is_digit(c))
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            return std::nullopt;
        if (digit >= base)
            return std::nullopt;
        if (value > (UINT64_MAX - digit) / base)
            return std::nullopt;
        value = value * base + digit;
    }
    return value;
}

} // namespace xenith
