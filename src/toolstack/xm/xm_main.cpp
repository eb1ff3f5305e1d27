// xm: the subcommand table and its handlers. xm only talks to xend's API.
#include "toolstack/xm/xm_main.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <optional>
#include <poll.h>
#include <span>
#include <string>
#include <termios.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "toolstack/config/config_json.h"
#include "toolstack/config/domain_config_loader.h"
#include "toolstack/config/xend_config.h"
#include "toolstack/xend/api_protocol.h"
#include "toolstack/xend/line_client.h"
#include "toolstack/xend/xenith_dirs.h"
#include "toolstack/xm/console_attach.h"
#include "toolstack/xm/xm_devices.h"
#include "toolstack/xm/xm_formats.h"

namespace xenith::xm {

namespace {

using Json = nlohmann::json;
using Args = std::vector<std::string>;
using namespace std::chrono_literals;

constexpr char kVersion[] = "0.1";

// A failure to report: "Error: MESSAGE" and exit 1; `usage` adds the command's usage line.
struct Failure {
    std::string message;
    bool usage { false };
};
using Outcome = std::expected<void, Failure>;

std::unexpected<Failure> error(std::string message) { return std::unexpected(Failure { std::move(message), false }); }
std::unexpected<Failure> usage_error(std::string message) { return std::unexpected(Failure { std::move(message), true }); }

struct Context {
    XenithDirs dirs;
    std::string socket_path;

    Result<Json> call(std::string_view op, Json args = Json::object(), std::chrono::milliseconds timeout = 120s) const
    {
        auto client = LineClient::connect(socket_path);
        if (!client)
            return fail("cannot reach xend at {} ({}); is xend running? ('xend start')", socket_path, client.error().message());
        auto line = XENITH_TRY(client->call_raw(api::request(op, std::move(args)).dump(), timeout));
        return api::decode_reply(line);
    }
};

// Splits "-x" style flags (also combined, "-wa") from positional arguments.
struct Parsed {
    std::string flags; // one char per flag seen
    Args positional;
    std::map<std::string, bool> long_flags;
    bool has(char flag) const { return flags.find(flag) != std::string::npos; }
};

Result<Parsed> parse_flags(Args const& args, std::string_view allowed, std::map<std::string, char> const& long_names = {})
{
    Parsed parsed;
    bool only_positional = false;
    for (auto const& arg : args) {
        if (only_positional || arg.size() < 2 || arg[0] != '-') {
            parsed.positional.push_back(arg);
            continue;
        }
        if (arg == "--") {
            only_positional = true;
            continue;
        }
        if (arg.starts_with("--")) {
            auto it = long_names.find(arg.substr(2));
            if (it == long_names.end())
                return fail("unknown option {}", arg);
            parsed.flags += it->second;
            continue;
        }
        for (char c : arg.substr(1)) {
            if (allowed.find(c) == std::string_view::npos)
                return fail("unknown option -{}", c);
            parsed.flags += c;
        }
    }
    return parsed;
}

// ---- handlers ------------------------------------------------------------------------

// A bare NAME means CONFIG_DIR/NAME, as in Xen, unless a file of that name is here.
std::string resolve_config_path(Context const& ctx, std::string const& arg)
{
    if (arg.find('/') != std::string::npos || ::access(arg.c_str(), F_OK) == 0)
        return arg;
    return ctx.dirs.config + "/" + arg;
}

// Warnings go to stderr; notes (translations done as meant, e.g. root = "/dev/xvda") to
// `notes`, which create and new hand to xend for its log (info level).
Result<DomainConfig> load_config(Context const& ctx, std::string const& arg, std::vector<std::string> const& overrides = {},
    std::vector<std::string>* notes = nullptr)
{
    std::string path = resolve_config_path(ctx, arg);
    std::vector<std::string> warnings;
    auto config = load_domain_config(path, warnings, overrides, notes);
    for (auto const& warning : warnings)
        std::fprintf(stderr, "Warning: %s\n", warning.c_str());
    return config;
}

Outcome do_console(Context const& ctx, std::string const& domain)
{
    auto reply = ctx.call("console", { { "domain", domain } });
    if (!reply)
        return error(reply.error().message());
    if (auto status = attach_console(reply->value("console", std::string())); !status)
        return error(status.error().message());
    return {};
}

Outcome cmd_create(Context const& ctx, Args const& args)
{
    auto parsed = parse_flags(args, "cpn", { { "console_autoconnect", 'c' }, { "paused", 'p' }, { "dryrun", 'n' } });
    if (!parsed)
        return usage_error(parsed.error().message());
    if (parsed->positional.empty())
        return usage_error("'xm create' requires one config file or domain name");
    std::string path = resolve_config_path(ctx, parsed->positional[0]);
    // xm create FILE VAR=VALUE...: settings that override (or, with +=, extend) the file's.
    std::vector<std::string> overrides(parsed->positional.begin() + 1, parsed->positional.end());
    for (auto const& setting : overrides)
        if (setting.find('=') == std::string::npos)
            return usage_error(fmt::format("'xm create' takes one config file; '{}' is neither a file nor VAR=VALUE", setting));
    std::vector<std::string> notes;
    auto config = load_config(ctx, parsed->positional[0], overrides, &notes);
    if (!config)
        return error(config.error().message());
    if (parsed->has('n')) {
        // The dry run is where a user inspects what the config becomes: the notes say how.
        for (auto const& note : notes)
            std::fprintf(stderr, "Note: %s\n", note.c_str());
        std::printf("%s\n", to_json(*config).dump(4).c_str());
        return {};
    }
    std::printf("Using config file \"%s\".\n", path.c_str());
    auto reply = ctx.call("create", { { "config", to_json(*config) }, { "paused", parsed->has('p') }, { "notes", notes } });
    if (!reply)
        return error(reply.error().message());
    std::printf("Started domain %s (id=%u)\n", config->name.c_str(), reply->value("id", 0u));
    std::fflush(stdout);
    if (parsed->has('c'))
        return do_console(ctx, config->name);
    return {};
}

Outcome cmd_new(Context const& ctx, Args const& args)
{
    if (args.size() != 1)
        return usage_error("'xm new' requires one config file or domain name");
    std::vector<std::string> notes;
    auto config = load_config(ctx, args[0], {}, &notes);
    if (!config)
        return error(config.error().message());
    auto reply = ctx.call("new", { { "config", to_json(*config) }, { "notes", notes } });
    if (!reply)
        return error(reply.error().message());
    return {};
}

Outcome cmd_start(Context const& ctx, Args const& args)
{
    auto parsed = parse_flags(args, "cp", { { "paused", 'p' }, { "console_autoconnect", 'c' } });
    if (!parsed)
        return usage_error(parsed.error().message());
    if (parsed->positional.size() != 1)
        return usage_error("'xm start' requires one domain name");
    auto reply = ctx.call("start", { { "domain", parsed->positional[0] }, { "paused", parsed->has('p') } });
    if (!reply)
        return error(reply.error().message());
    if (parsed->has('c'))
        return do_console(ctx, parsed->positional[0]);
    return {};
}

Result<Json> list_domains(Context const& ctx, Args const& names, bool long_form)
{
    auto reply = XENITH_TRY(ctx.call("list", { { "domains", names }, { "long", long_form } }));
    return reply.value("domains", Json::array());
}

Outcome cmd_list(Context const& ctx, Args const& args)
{
    auto parsed = parse_flags(args, "l", { { "long", 'l' } });
    if (!parsed)
        return usage_error(parsed.error().message());
    auto domains = list_domains(ctx, parsed->positional, parsed->has('l'));
    if (!domains)
        return error(domains.error().message());
    if (parsed->has('l'))
        std::printf("%s\n", domains->dump(4).c_str());
    else
        std::fputs(format_list(*domains).c_str(), stdout);
    return {};
}

// Waits until none of `names` is listed any more (xm shutdown -w, xm reboot -w waits for the
// old instance to go). The guest decides when it powers off, so this waits as long as it takes,
// as Xen's does, but says every 10 s on stderr what it is waiting for and how to stop waiting.
Outcome wait_gone(Context const& ctx, std::vector<std::pair<std::string, long>> const& domains, char const* op)
{
    auto started = std::chrono::steady_clock::now();
    auto next_report = started + 10s;
    for (;;) {
        auto listed = list_domains(ctx, {}, false);
        if (!listed)
            return error(listed.error().message());
        std::vector<Json> still;
        for (auto const& d : *listed)
            for (auto const& [name, id] : domains)
                if (d.value("name", std::string()) == name && d["id"].is_number() && d["id"].get<long>() == id)
                    still.push_back(d);
        if (still.empty())
            return {};
        auto now = std::chrono::steady_clock::now();
        if (now >= next_report) {
            next_report = now + 10s;
            long waited = long(std::chrono::duration_cast<std::chrono::seconds>(now - started).count());
            for (auto const& d : still) {
                auto name = d.value("name", std::string());
                std::string presses;
                if (d.contains("shutdown_presses"))
                    presses = fmt::format("; power key pressed {} times", d.value("shutdown_presses", 0u));
                std::fprintf(stderr, "Waiting for domain %s to %s (%ld s%s); 'xm destroy %s' ends it now\n", name.c_str(),
                    std::string_view(op) == "reboot" ? "reboot" : "shut down", waited, presses.c_str(), name.c_str());
            }
        }
        std::this_thread::sleep_for(200ms);
    }
}

Outcome shutdown_like(Context const& ctx, Args const& args, char const* op)
{
    auto parsed = parse_flags(args, "wa", { { "wait", 'w' }, { "all", 'a' } });
    if (!parsed)
        return usage_error(parsed.error().message());
    Args targets = parsed->positional;
    if (parsed->has('a')) {
        if (!targets.empty())
            return usage_error(fmt::format("'xm {} -a' takes no domain", op));
        auto listed = list_domains(ctx, {}, false);
        if (!listed)
            return error(listed.error().message());
        for (auto const& d : *listed)
            if (d["id"].is_number() && d["id"].get<long>() != 0 && d.value("state", std::string()).find_first_of("sc") == std::string::npos)
                targets.push_back(d.value("name", std::string()));
    } else if (targets.size() != 1) {
        return usage_error(fmt::format("'xm {}' requires one domain (or -a for all)", op));
    }
    std::vector<std::pair<std::string, long>> waiting;
    for (auto const& target : targets) {
        auto listed = list_domains(ctx, { target }, false);
        if (!listed)
            return error(listed.error().message());
        auto reply = ctx.call(op, { { "domain", target } });
        if (!reply)
            return error(reply.error().message());
        auto const& d = listed->at(0);
        if (d["id"].is_number())
            waiting.emplace_back(d.value("name", std::string()), d["id"].get<long>());
    }
    if (parsed->has('w'))
        return wait_gone(ctx, waiting, op);
    return {};
}

Outcome cmd_shutdown(Context const& ctx, Args const& args) { return shutdown_like(ctx, args, "shutdown"); }
Outcome cmd_reboot(Context const& ctx, Args const& args) { return shutdown_like(ctx, args, "reboot"); }

// Commands of the form `xm OP DOMAIN`.
Outcome simple(Context const& ctx, Args const& args, char const* op)
{
    if (args.size() != 1)
        return usage_error(fmt::format("'xm {}' requires one domain", op));
    auto reply = ctx.call(op, { { "domain", args[0] } });
    if (!reply)
        return error(reply.error().message());
    return {};
}

Outcome cmd_destroy(Context const& ctx, Args const& args) { return simple(ctx, args, "destroy"); }
Outcome cmd_pause(Context const& ctx, Args const& args) { return simple(ctx, args, "pause"); }
Outcome cmd_unpause(Context const& ctx, Args const& args) { return simple(ctx, args, "unpause"); }
Outcome cmd_delete(Context const& ctx, Args const& args) { return simple(ctx, args, "delete"); }

Outcome cmd_console(Context const& ctx, Args const& args)
{
    if (args.size() != 1)
        return usage_error("'xm console' requires one domain");
    return do_console(ctx, args[0]);
}

Outcome cmd_rename(Context const& ctx, Args const& args)
{
    if (args.size() != 2)
        return usage_error("'xm rename' requires a domain and a new name");
    auto reply = ctx.call("rename", { { "domain", args[0] }, { "new_name", args[1] } });
    if (!reply)
        return error(reply.error().message());
    return {};
}

Outcome cmd_domid(Context const& ctx, Args const& args)
{
    if (args.size() != 1)
        return usage_error("'xm domid' requires one domain name");
    auto listed = list_domains(ctx, args, false);
    if (!listed)
        return error(listed.error().message());
    auto const& d = listed->at(0);
    if (!d["id"].is_number())
        return error(fmt::format("Domain '{}' is not running.", args[0]));
    std::printf("%ld\n", d["id"].get<long>());
    return {};
}

Outcome cmd_domname(Context const& ctx, Args const& args)
{
    if (args.size() != 1)
        return usage_error("'xm domname' requires one domain id");
    if (args[0].empty() || args[0].find_first_not_of("0123456789") != std::string::npos)
        return error(fmt::format("'{}' is not a domain id", args[0]));
    auto listed = list_domains(ctx, args, false);
    if (!listed)
        return error(listed.error().message());
    std::printf("%s\n", listed->at(0).value("name", std::string()).c_str());
    return {};
}

Outcome cmd_uptime(Context const& ctx, Args const& args)
{
    auto parsed = parse_flags(args, "s");
    if (!parsed)
        return usage_error(parsed.error().message());
    auto listed = list_domains(ctx, parsed->positional, false);
    if (!listed)
        return error(listed.error().message());
    std::fputs(format_uptime(*listed, parsed->has('s'), long(std::time(nullptr))).c_str(), stdout);
    return {};
}

Outcome cmd_vcpu_list(Context const& ctx, Args const& args)
{
    auto listed = list_domains(ctx, args, false);
    if (!listed)
        return error(listed.error().message());
    std::fputs(format_vcpu_list(*listed).c_str(), stdout);
    return {};
}

Result<uint64_t> parse_count(std::string const& text, char const* what)
{
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 12)
        return fail("{} '{}' is not a whole number", what, text);
    return std::stoull(text);
}

Outcome number_op(Context const& ctx, Args const& args, char const* op, char const* key, char const* what)
{
    if (args.size() != 2)
        return usage_error(fmt::format("'xm {}' requires a domain and {}", op, what));
    auto value = parse_count(args[1], what);
    if (!value)
        return error(value.error().message());
    auto reply = ctx.call(op, { { "domain", args[0] }, { key, *value } });
    if (!reply)
        return error(reply.error().message());
    // Done, with a consequence to know about (mem-max beyond a running domain's RAM).
    if (reply->is_object() && reply->contains("note") && (*reply)["note"].is_string())
        std::fprintf(stderr, "Note: %s\n", (*reply)["note"].get<std::string>().c_str());
    return {};
}

Outcome cmd_mem_set(Context const& ctx, Args const& args) { return number_op(ctx, args, "mem-set", "mib", "a memory size in MiB"); }
Outcome cmd_mem_max(Context const& ctx, Args const& args) { return number_op(ctx, args, "mem-max", "mib", "a memory size in MiB"); }
Outcome cmd_vcpu_set(Context const& ctx, Args const& args) { return number_op(ctx, args, "vcpu-set", "count", "a VCPU count"); }

Outcome cmd_vcpu_pin(Context const& ctx, Args const& args)
{
    if (args.size() != 3)
        return usage_error("'xm vcpu-pin' requires a domain, a VCPU number (or all) and a CPU list");
    Json vcpu = args[1];
    if (args[1] != "all") {
        auto number = parse_count(args[1], "VCPU");
        if (!number)
            return error(number.error().message());
        vcpu = *number;
    }
    auto reply = ctx.call("vcpu-pin", { { "domain", args[0] }, { "vcpu", vcpu }, { "cpus", args[2] } });
    if (!reply)
        return error(reply.error().message());
    return {};
}

// xm sched-credit [-d D [-w W] [-c C]]: getopt's "d:w:c:" with --domain=, --weight=, --cap=.
Outcome cmd_sched_credit(Context const& ctx, Args const& args)
{
    static constexpr std::pair<char const*, char const*> kOptions[] = { { "-d", "domain" }, { "-w", "weight" }, { "-c", "cap" } };
    Json request = Json::object();
    for (size_t i = 0; i < args.size(); ++i) {
        std::string const& arg = args[i];
        std::string key, value;
        for (auto [flag, name] : kOptions) {
            std::string long_form = std::string("--") + name;
            if (arg == flag || arg == long_form) {
                if (i + 1 == args.size())
                    return usage_error(fmt::format("option {} requires an argument", arg));
                key = name;
                value = args[++i];
            } else if (arg.starts_with(flag) && arg.size() > 2 && arg[1] != '-') {
                key = name;
                value = arg.substr(2);
            } else if (arg.starts_with(long_form + "=")) {
                key = name;
                value = arg.substr(long_form.size() + 1);
            }
            if (!key.empty())
                break;
        }
        if (key.empty())
            return usage_error(fmt::format("unexpected argument {}", arg));
        if (key == "domain") {
            request["domain"] = value;
            continue;
        }
        auto number = parse_count(value, key == "weight" ? "weight" : "cap");
        if (!number)
            return error(number.error().message());
        request[key] = *number;
    }
    if (!request.contains("domain") && (request.contains("weight") || request.contains("cap")))
        return usage_error("No domain given.");
    auto reply = ctx.call("sched-credit", request);
    if (!reply)
        return error(reply.error().message());
    if (!request.contains("weight") && !request.contains("cap"))
        std::fputs(format_sched_credit(reply->value("domains", Json::array())).c_str(), stdout);
    return {};
}

Outcome cmd_sysrq(Context const& ctx, Args const& args)
{
    if (args.size() != 2)
        return usage_error("'xm sysrq' requires a domain and one key letter");
    // xend checks the key (one character, as Xen's xm): one line naming what is wrong.
    auto reply = ctx.call("sysrq", { { "domain", args[0] }, { "key", args[1] } });
    if (!reply)
        return error(reply.error().message());
    return {};
}

// xm dump-core [-L] [-C] DOMAIN [FILE]. The file is written by the domain's process, so a
// relative name is made absolute here, where the user meant it.
Outcome cmd_dump_core(Context const& ctx, Args const& args)
{
    auto parsed = parse_flags(args, "LC", { { "live", 'L' }, { "crash", 'C' } });
    if (!parsed)
        return usage_error(parsed.error().message());
    if (parsed->positional.empty() || parsed->positional.size() > 2)
        return usage_error("'xm dump-core' requires a domain and optionally a file name");
    Json request { { "domain", parsed->positional[0] }, { "crash", parsed->has('C') } };
    if (parsed->positional.size() == 2) {
        std::string file = parsed->positional[1];
        if (file.empty())
            return usage_error("'xm dump-core': the file name is empty");
        if (file[0] != '/') {
            char cwd[4096];
            if (!::getcwd(cwd, sizeof(cwd)))
                return error("xm dump-core: cannot tell the current directory; give an absolute file name");
            file = std::string(cwd) + "/" + file;
        }
        request["path"] = file;
    }
    std::printf("Dumping core of domain: %s ...\n", parsed->positional[0].c_str());
    std::fflush(stdout);
    auto reply = ctx.call("dump-core", request);
    if (!reply)
        return error(reply.error().message());
    std::printf("%s\n", reply->value("path", std::string()).c_str());
    return {};
}

Outcome cmd_info(Context const& ctx, Args const& args)
{
    if (!args.empty())
        return usage_error("'xm info' takes no arguments");
    auto reply = ctx.call("info");
    if (!reply)
        return error(reply.error().message());
    std::fputs(format_info(*reply, kVersion).c_str(), stdout);
    return {};
}

Outcome cmd_dmesg(Context const& ctx, Args const& args)
{
    auto parsed = parse_flags(args, "c", { { "clear", 'c' } });
    if (!parsed)
        return usage_error(parsed.error().message());
    auto reply = ctx.call("dmesg", { { "clear", parsed->has('c') } });
    if (!reply)
        return error(reply.error().message());
    for (auto const& line : reply->value("lines", Json::array()))
        std::printf("%s\n", line.get<std::string>().c_str());
    return {};
}

Outcome cmd_log(Context const& ctx, Args const& args)
{
    if (!args.empty())
        return usage_error("'xm log' takes no arguments");
    auto reply = ctx.call("log");
    if (!reply)
        return error(reply.error().message());
    std::fputs(reply->value("text", std::string()).c_str(), stdout);
    return {};
}

// Interactive xm top reads single keys, as xentop does (q quits): a terminal on stdin is put in
// non-canonical mode without echo while top runs, and restored when it returns or is killed
// by SIGINT/SIGTERM/SIGHUP.
class TopKeys {
public:
    TopKeys()
    {
        if (::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &s_saved) == 0) {
            termios raw = s_saved;
            raw.c_lflag &= ~tcflag_t(ICANON | ECHO);
            raw.c_cc[VMIN] = 1;
            raw.c_cc[VTIME] = 0;
            if (::tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0) {
                s_active = true;
                for (int sig : { SIGINT, SIGTERM, SIGHUP })
                    std::signal(sig, restore_and_die);
            }
        }
    }
    ~TopKeys()
    {
        restore();
        if (s_active) {
            for (int sig : { SIGINT, SIGTERM, SIGHUP })
                std::signal(sig, SIG_DFL);
        }
        s_active = false;
    }
    TopKeys(TopKeys const&) = delete;
    TopKeys& operator=(TopKeys const&) = delete;

    // Waits up to `delay` for a key; true when it was q (or Q). Without keys to read (stdin
    // closed or at end of file) it just waits.
    bool wait_for_quit(std::chrono::duration<double> delay)
    {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(delay);
        for (;;) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0)
                return false;
            if (!m_stdin_open) {
                std::this_thread::sleep_for(left);
                return false;
            }
            pollfd fd { STDIN_FILENO, POLLIN, 0 };
            int ready = ::poll(&fd, 1, int(left.count()) + 1);
            if (ready < 0 && errno == EINTR)
                continue;
            if (ready <= 0)
                continue;
            char keys[64];
            ssize_t n = ::read(STDIN_FILENO, keys, sizeof(keys));
            if (n <= 0) {
                m_stdin_open = false;
                continue;
            }
            for (ssize_t i = 0; i < n; ++i)
                if (keys[i] == 'q' || keys[i] == 'Q')
                    return true;
        }
    }

private:
    static void restore()
    {
        if (s_active)
            ::tcsetattr(STDIN_FILENO, TCSANOW, &s_saved);
    }
    static void restore_and_die(int sig)
    {
        restore(); // tcsetattr is async-signal-safe
        std::signal(sig, SIG_DFL);
        std::raise(sig);
    }

    static inline termios s_saved {};
    static inline bool s_active { false };
    bool m_stdin_open { true };
};

Outcome cmd_top(Context const& ctx, Args const& args)
{
    // xentop's batch options: -b (no screen control), -i N iterations, -d SECONDS delay.
    bool batch = false;
    long iterations = -1;
    double delay = 3;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "-b" || args[i] == "--batch")
            batch = true;
        else if ((args[i] == "-i" || args[i] == "--iterations") && i + 1 < args.size())
            iterations = std::strtol(args[++i].c_str(), nullptr, 10);
        else if ((args[i] == "-d" || args[i] == "--delay") && i + 1 < args.size())
            delay = std::strtod(args[++i].c_str(), nullptr);
        else
            return usage_error(fmt::format("unknown option {}", args[i]));
    }
    if (delay <= 0)
        delay = 3;
    std::map<std::string, double> previous;
    auto previous_time = std::chrono::steady_clock::now();
    std::optional<TopKeys> keys;
    if (!batch)
        keys.emplace();
    for (long frame = 0; iterations < 0 || frame < iterations; ++frame) {
        if (frame > 0) {
            if (keys && keys->wait_for_quit(std::chrono::duration<double>(delay)))
                break;
            if (!keys)
                std::this_thread::sleep_for(std::chrono::duration<double>(delay));
        }
        auto listed = list_domains(ctx, {}, false);
        if (!listed)
            return error(listed.error().message());
        auto info = ctx.call("info");
        if (!info)
            return error(info.error().message());
        auto now = std::chrono::steady_clock::now();
        double elapsed = std::chrono::duration<double>(now - previous_time).count();
        Json percent = Json::object();
        for (auto const& d : *listed) {
            auto name = d.value("name", std::string());
            double cpu = d.value("cpu_seconds", 0.0);
            if (frame > 0 && previous.contains(name) && elapsed > 0)
                percent[name] = 100.0 * (cpu - previous[name]) / elapsed;
            previous[name] = cpu;
        }
        previous_time = now;
        if (!batch)
            std::fputs("\033[H\033[2J", stdout);
        std::fputs(format_top(*listed, *info, percent, long(std::time(nullptr))).c_str(), stdout);
        if (batch)
            std::fputs("\n", stdout);
        std::fflush(stdout);
    }
    return {};
}

// The device commands live in xm_devices.cpp; this runs one with our connection.
template<DeviceOutcome (*run)(DeviceCall const&, Args const&)>
Outcome device_command(Context const& ctx, Args const& args)
{
    auto outcome = run([&](std::string_view op, Json request) { return ctx.call(op, std::move(request)); }, args);
    if (!outcome)
        return std::unexpected(Failure { outcome.error().message, outcome.error().usage });
    return {};
}

struct Command {
    std::string_view name;
    Outcome (*handler)(Context const&, Args const&);
    std::string_view usage;
    std::string_view help;
};

Outcome cmd_help(Context const&, Args const&);

// The whole CLI. Order is the order of `xm help`.
constexpr Command kCommands[] = {
    { "console", cmd_console, "<Domain>", "Attach to <Domain>'s console (Ctrl-] detaches)." },
    { "create", cmd_create, "[-c] [-p] [-n] <ConfigFile|Name> [VAR=VALUE ...]",
        "Create a domain from a config file (a bare name means CONFIG_DIR/name); VAR=VALUE settings override the file's." },
    { "new", cmd_new, "<ConfigFile|Name>", "Define a managed domain, kept across xend restarts." },
    { "start", cmd_start, "[-p] [-c] <DomainName>", "Start a managed domain." },
    { "delete", cmd_delete, "<DomainName>", "Remove a managed domain's definition." },
    { "destroy", cmd_destroy, "<Domain>", "Terminate a domain immediately." },
    { "list", cmd_list, "[-l|--long] [Domain, ...]", "List information about all or some domains." },
    { "shutdown", cmd_shutdown, "[-w] [-a] <Domain>", "Shut down a domain (-w waits until it is gone, -a all domains)." },
    { "reboot", cmd_reboot, "[-w] [-a] <Domain>", "Reboot a domain." },
    { "pause", cmd_pause, "<Domain>", "Pause execution of a domain." },
    { "unpause", cmd_unpause, "<Domain>", "Unpause a paused domain." },
    { "rename", cmd_rename, "<Domain> <NewDomainName>", "Rename a domain." },
    { "domid", cmd_domid, "<DomainName>", "Convert a domain name to its id." },
    { "domname", cmd_domname, "<DomainId>", "Convert a domain id to its name." },
    { "uptime", cmd_uptime, "[-s] [Domain, ...]", "Print uptime for all or some domains." },
    { "vcpu-list", cmd_vcpu_list, "[Domain, ...]", "List the VCPUs of all or some domains." },
    { "vcpu-set", cmd_vcpu_set, "<Domain> <vCPUs>", "Set the number of active VCPUs of a domain." },
    { "vcpu-pin", cmd_vcpu_pin, "<Domain> <VCPU|all> <CPUs|all>", "Set which host CPUs a VCPU may run on (e.g. 0-3,^1)." },
    { "sched-credit", cmd_sched_credit, "[-d <Domain> [-w <Weight>] [-c <Cap>]]", "Get or set a domain's credit scheduler weight and cap." },
    { "mem-set", cmd_mem_set, "<Domain> <Mem>", "Set the current memory of a domain, in MiB." },
    { "mem-max", cmd_mem_max, "<Domain> <Mem>", "Set the maximum memory of a domain, in MiB." },
    { "sysrq", cmd_sysrq, "<Domain> <letter>", "Send a sysrq key to a domain." },
    { "dump-core", cmd_dump_core, "[-L|--live] [-C|--crash] <Domain> [Filename]",
        "Dump a domain's memory and vCPU registers to an ELF core file (the domain pauses meanwhile; -C destroys it after)." },
    { "block-attach", device_command<block_attach>, "<Domain> <BackDev> <FrontDev> <Mode> [BackDomain]", "Attach a disk to a running domain (e.g. tap:aio:/img xvdb w)." },
    { "block-detach", device_command<block_detach>, "<Domain> <DevId|FrontDev> [-f|--force]", "Detach a disk from a running domain." },
    { "block-list", device_command<block_list>, "<Domain(s)> [-l|--long]", "List the disks of a domain." },
    { "network-attach", device_command<network_attach>, "<Domain> [type=<type>] [mac=<mac>] [bridge=<bridge>] [ip=<ip>] [script=<script>] [vifname=<name>] [rate=<rate>] [model=<model>]", "Attach a network interface to a running domain." },
    { "network-detach", device_command<network_detach>, "<Domain> <DevId|mac> [-f|--force]", "Detach a network interface from a running domain." },
    { "network-list", device_command<network_list>, "<Domain(s)> [-l|--long]", "List the network interfaces of a domain." },
    { "info", cmd_info, "", "Get information about the host." },
    { "dmesg", cmd_dmesg, "[-c|--clear]", "Read (and clear) xend's recent messages." },
    { "log", cmd_log, "", "Print the xend log." },
    { "top", cmd_top, "[-b] [-i N] [-d SECONDS]", "Monitor the host and domains in real time (xentop)." },
    { "help", cmd_help, "[Command]", "Print help." },
};

Command const* find_command(std::string_view name)
{
    for (auto const& command : kCommands)
        if (command.name == name)
            return &command;
    return nullptr;
}

Outcome cmd_help(Context const&, Args const& args)
{
    if (args.size() == 1) {
        auto const* command = find_command(args[0]);
        if (!command)
            return error(fmt::format("Subcommand {} not found!", args[0]));
        std::printf("Usage: xm %s %s\n\n%s\n", std::string(command->name).c_str(), std::string(command->usage).c_str(),
            std::string(command->help).c_str());
        return {};
    }
    std::printf("Usage: xm <subcommand> [args]\n\n");
    for (auto const& command : kCommands)
        std::printf(" %-12s %s\n", std::string(command.name).c_str(), std::string(command.help).c_str());
    std::printf("\n<Domain> can be a domain name or id. Environment: XENITH_CONFIG_DIR, XENITH_STATE_DIR,\n"
                "XENITH_RUN_DIR, XENITH_LOG_DIR select a private xend.\n");
    return {};
}

std::string socket_path_for(XenithDirs const& dirs)
{
    auto config = load_xend_config(dirs.xend_config_path());
    if (config && !config->xend_unix_path.empty())
        return config->xend_unix_path;
    return dirs.default_socket_path();
}

} // namespace

int xm_main(int argc, char** argv)
{
    std::signal(SIGPIPE, SIG_IGN);
    Context ctx;
    ctx.dirs = XenithDirs::resolve();
    ctx.socket_path = socket_path_for(ctx.dirs);
    if (argc < 2) {
        (void)cmd_help(ctx, {});
        return 1;
    }
    std::string name = argv[1];
    if (name == "-h" || name == "--help")
        name = "help";
    auto const* command = find_command(name);
    if (!command) {
        std::fprintf(stderr, "Error: Subcommand %s not found!\nRun 'xm help' for the list of subcommands.\n", name.c_str());
        return 1;
    }
    Args args(argv + 2, argv + argc);
    if (args.size() == 1 && (args[0] == "-h" || args[0] == "--help")) {
        (void)cmd_help(ctx, { name });
        return 0;
    }
    auto outcome = command->handler(ctx, args);
    if (!outcome) {
        std::fflush(stdout);
        std::fprintf(stderr, "Error: %s\n", outcome.error().message.c_str());
        if (outcome.error().usage)
            std::fprintf(stderr, "Usage: xm %s %s\n", std::string(command->name).c_str(), std::string(command->usage).c_str());
        return 1;
    }
    return 0;
}

} // namespace xenith::xm
