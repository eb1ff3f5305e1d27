// The xl.cfg(5) grammar: values, lists, comments, separators, +=, numbers, escapes, Python.
#include <gtest/gtest.h>

#include "toolstack/config/config_file.h"

namespace xenith {
namespace {

ConfigFile parse_ok(std::string_view text)
{
    auto file = parse_config_text(text, "/etc/xen/test");
    EXPECT_TRUE(file) << (file ? "" : file.error().message());
    return file ? *file : ConfigFile {};
}

std::string parse_error(std::string_view text)
{
    auto file = parse_config_text(text, "/etc/xen/test");
    EXPECT_FALSE(file) << "parsed although it should not";
    return file ? std::string() : file.error().message();
}

TEST(ConfigGrammar, StringsNumbersAndLines)
{
    auto file = parse_ok("name = \"web\"\n\n# a comment\nmemory = 256   # trailing comment\nkernel='/boot/Image'\n");
    ASSERT_EQ(file.settings.size(), 3u);
    EXPECT_EQ(file.settings[0].key, "name");
    EXPECT_EQ(file.settings[0].value.text, "web");
    EXPECT_EQ(file.settings[0].line, 1u);
    EXPECT_EQ(file.settings[1].value.kind, ConfigValue::Kind::Number);
    EXPECT_EQ(file.settings[1].value.text, "256");
    EXPECT_EQ(file.settings[1].line, 4u);
    EXPECT_EQ(file.settings[2].value.text, "/boot/Image");
    EXPECT_EQ(file.settings[2].line, 5u);
}

TEST(ConfigGrammar, SemicolonsSeparateSettings)
{
    auto file = parse_ok("name = 'a'; memory = 64;vcpus=2\n;;\n");
    ASSERT_EQ(file.settings.size(), 3u);
    EXPECT_EQ(file.settings[2].key, "vcpus");
    EXPECT_EQ(file.settings[2].line, 1u);
}

TEST(ConfigGrammar, LastLineWithoutNewline)
{
    auto file = parse_ok("memory = 64");
    ASSERT_EQ(file.settings.size(), 1u);
}

TEST(ConfigGrammar, EmptyFileAndOnlyComments)
{
    EXPECT_TRUE(parse_ok("").settings.empty());
    EXPECT_TRUE(parse_ok("# nothing\n   \n\t# more\n").settings.empty());
}

TEST(ConfigGrammar, CrLfLineEndings)
{
    auto file = parse_ok("name = 'a'\r\nmemory = 64\r\n");
    ASSERT_EQ(file.settings.size(), 2u);
    EXPECT_EQ(file.settings[1].line, 2u);
}

TEST(ConfigGrammar, NestedListsTrailingCommasAndContinuation)
{
    auto file = parse_ok("disk = [ 'a',\n"
                         "         ['b', 'c',],\n"
                         "         # comment inside the list\n"
                         "\n"
                         "         [],\n"
                         "       ]\n"
                         "vif = [ '' ]\n");
    ASSERT_EQ(file.settings.size(), 2u);
    auto const& disk = file.settings[0].value;
    ASSERT_TRUE(disk.is_list());
    ASSERT_EQ(disk.items.size(), 3u);
    EXPECT_EQ(disk.items[0].text, "a");
    EXPECT_EQ(disk.items[0].line, 1u);
    ASSERT_EQ(disk.items[1].items.size(), 2u);
    EXPECT_EQ(disk.items[1].items[1].text, "c");
    EXPECT_EQ(disk.items[1].line, 2u);
    EXPECT_TRUE(disk.items[2].is_list());
    EXPECT_TRUE(disk.items[2].items.empty());
    EXPECT_EQ(file.settings[1].line, 7u);
    ASSERT_EQ(file.settings[1].value.items.size(), 1u);
    EXPECT_EQ(file.settings[1].value.items[0].text, "");
}

TEST(ConfigGrammar, EmptyList)
{
    auto file = parse_ok("disk = []\nvif = [\n]\n");
    EXPECT_TRUE(file.settings[0].value.items.empty());
    EXPECT_TRUE(file.settings[1].value.items.empty());
}

TEST(ConfigGrammar, Escapes)
{
    auto file = parse_ok(R"(a = "q\"q\\b\tc\n"
b = 'it\'s'
c = "\x41\102\x7e"
d = '"double" inside single'
e = "#not a comment"
)");
    EXPECT_EQ(file.find("a")->value.text, "q\"q\\b\tc\n");
    EXPECT_EQ(file.find("b")->value.text, "it's");
    EXPECT_EQ(file.find("c")->value.text, "AB~");
    EXPECT_EQ(file.find("d")->value.text, "\"double\" inside single");
    EXPECT_EQ(file.find("e")->value.text, "#not a comment");
}

TEST(ConfigGrammar, AppendConcatenatesStringsAndLists)
{
    auto file = parse_ok("extra = 'console=hvc0'\n"
                         "extra += ' quiet'\n"
                         "disk = [ 'a' ]\n"
                         "disk += [ 'b', 'c' ]\n"
                         "fresh += 'x'\n");
    EXPECT_EQ(file.find("extra")->value.text, "console=hvc0 quiet");
    EXPECT_EQ(file.find("extra")->op, ConfigOp::Append);
    EXPECT_EQ(file.find("extra")->line, 2u);
    auto const& disk = file.find("disk")->value;
    ASSERT_EQ(disk.items.size(), 3u);
    EXPECT_EQ(disk.items[0].text, "a");
    EXPECT_EQ(disk.items[2].text, "c");
    EXPECT_EQ(file.find("fresh")->value.text, "x");
}

TEST(ConfigGrammar, AppendListToStringIsAnError)
{
    EXPECT_EQ(parse_error("extra = 'a'\nextra += [ 'b' ]\n"),
        "/etc/xen/test:2: extra: can't add [list] to \"string\" or vice versa (line 1 set it to a single value)");
}

TEST(ConfigGrammar, LastSettingWins)
{
    auto file = parse_ok("memory = 64\nmemory = 128\n");
    EXPECT_EQ(file.find("memory")->value.text, "128");
    EXPECT_EQ(file.find("memory")->line, 2u);
    EXPECT_EQ(file.find("absent"), nullptr);
}

TEST(ConfigGrammar, NumbersDecimalOctalHex)
{
    EXPECT_EQ(parse_config_number("256"), 256u);
    EXPECT_EQ(parse_config_number("0755"), 0755u);
    EXPECT_EQ(parse_config_number("0x1F"), 31u);
    EXPECT_EQ(parse_config_number("0"), 0u);
    EXPECT_EQ(parse_config_number("018"), std::nullopt);
    EXPECT_EQ(parse_config_number("0x"), std::nullopt);
    EXPECT_EQ(parse_config_number("256M"), std::nullopt);
    EXPECT_EQ(parse_config_number("1.5"), std::nullopt);
    EXPECT_EQ(parse_config_number(""), std::nullopt);
    EXPECT_EQ(parse_config_number("18446744073709551615"), UINT64_MAX);
    EXPECT_EQ(parse_config_number("18446744073709551616"), std::nullopt);
}

TEST(ConfigGrammar, SyntaxErrorsNameFileLineAndToken)
{
    EXPECT_EQ(parse_error("name = 'a'\nmemory 256\n"),
        "/etc/xen/test:2: config parsing error near `256': expected `=' or `+=' after `memory'");
    EXPECT_EQ(parse_error("memory =\n"),
        "/etc/xen/test:1: config parsing error near <newline>: expected a value: a 'string', a number or a [list]");
    EXPECT_EQ(parse_error("type = hvm\n"),
        "/etc/xen/test:1: config parsing error near `hvm': strings must be quoted (e.g. type = \"hvm\")");
    EXPECT_EQ(parse_error("disk = [ 'a' 'b' ]\n"),
        "/etc/xen/test:1: config parsing error near `'b'': expected `,' or `]' in the list");
    EXPECT_EQ(parse_error("disk = [ 'a',\n"),
        "/etc/xen/test:2: config parsing error near <end of file>: expected a value: a 'string', a number or a [list]");
    EXPECT_EQ(parse_error("name = 'web\n"),
        "/etc/xen/test:1: config parsing error near `'web': unterminated quoted string (strings end on the same "
        "line with a matching ')");
    EXPECT_EQ(parse_error("name = 'a' 'b'\n"),
        "/etc/xen/test:1: config parsing error near `'b'': expected a newline or `;' after the value of `name'");
    EXPECT_EQ(parse_error("= 5\n"),
        "/etc/xen/test:1: config parsing error near `=': expected a setting such as `memory = 256'");
    EXPECT_EQ(parse_error("name = 'a'\nmem$ory = 5\n"),
        "/etc/xen/test:2: config parsing error near `$ory': lexical error");
}

TEST(ConfigGrammar, BadEscapes)
{
    EXPECT_EQ(parse_error(R"(a = "\q")"),
        "/etc/xen/test:1: config parsing error near `\"\\q\"': invalid character after backslash in quoted string: "
        "`\\q' (valid: \\\\ \\' \\\" \\n \\t \\r \\a \\b \\f \\v \\xHH \\OOO)");
    EXPECT_EQ(parse_error(R"(a = "\xZZ")"),
        "/etc/xen/test:1: config parsing error near `\"\\xZZ\"': invalid digit after backslash hex numerical "
        "character escape");
    EXPECT_EQ(parse_error(R"(a = "x\0y")"),
        "/etc/xen/test:1: config parsing error near `\"x\\0y\"': a NUL character (\\0) cannot appear in a string");
}

TEST(ConfigGrammar, DeepNestingIsRefused)
{
    std::string text = "a = " + std::string(100, '[') + std::string(100, ']') + "\n";
    EXPECT_EQ(parse_error(text), "/etc/xen/test:1: config parsing error near `[': lists nested more than 32 deep");
}

TEST(ConfigGrammar, PythonIsDetectedNeverExecuted)
{
    std::string const tail = ": arbitrary Python is not supported and xm/xl config files are never executed; write "
                             "KEY = VALUE settings instead (see https://wiki.xen.org/wiki/PythonInXlConfig)";
    EXPECT_EQ(parse_error("# xm config\nimport os, re\nname = 'web'\n"),
        "/etc/xen/test:2: config file looks like it contains Python code (`import os, re')" + tail);
    EXPECT_EQ(parse_error("name = 'web'\ndef vif_for(n):\n    return 'bridge=br%d' % n\n"),
        "/etc/xen/test:2: config file looks like it contains Python code (`def vif_for(n):')" + tail);
    EXPECT_EQ(parse_error("name = 'web'\nif name == 'web':\n    memory = 512\n"),
        "/etc/xen/test:2: config file looks like it contains Python code (`if name == 'web':')" + tail);
    EXPECT_EQ(parse_error("memory = int(256)\n"),
        "/etc/xen/test:1: config file looks like it contains Python code (`memory = int(256)')" + tail);
    EXPECT_EQ(parse_error("kernel = os.environ['KERNEL']\n"),
        "/etc/xen/test:1: config file looks like it contains Python code (`kernel = os.environ['KERNEL']')" + tail);
    EXPECT_EQ(parse_error("vif = [ 'bridge=%s' % bridge ]\n"),
        "/etc/xen/test:1: config file looks like it contains Python code (`vif = [ 'bridge=%s' % bridge ]')" + tail);
}

TEST(ConfigGrammar, ParenthesesInStringsAreNotPython)
{
    auto file = parse_ok("extra = 'init=/bin/sh console=hvc0 (rescue) os.x'\n");
    EXPECT_EQ(file.find("extra")->value.text, "init=/bin/sh console=hvc0 (rescue) os.x");
}

} // namespace
} // namespace xenith
