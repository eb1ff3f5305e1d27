// XenithDirs: where config, state, sockets and logs live, shared by xend and xm.
// Root gets /etc/xen, /var/lib/xenith, /run/xenith, /var/log/xenith; anyone else the XDG
// directories; XENITH_{CONFIG,STATE,RUN,LOG}_DIR override each one (tests, private xends).
// Header-only so xm can use it without linking xend.
#pragma once

#include <cstdlib>
#include <string>
#include <unistd.h>

namespace xenith {

struct XenithDirs {
    std::string config; // domain configs, auto/, xend-config.sxp
    std::string state;  // managed domains, the next domain id
    std::string run;    // xend.sock, xend.pid, per-domain control and console sockets
    std::string log;    // xend.log, console logs, xenith-vm logs

    std::string xend_config_path() const { return config + "/xend-config.sxp"; }
    std::string default_socket_path() const { return run + "/xend.sock"; }
    std::string pid_path() const { return run + "/xend.pid"; }
    std::string default_log_path() const { return log + "/xend.log"; }
    std::string dump() const { return state + "/dump"; } // guest core dumps (Xen: /var/xen/dump)

    static XenithDirs resolve() { return resolve(::geteuid() == 0); }

    static XenithDirs resolve(bool as_root)
    {
        auto env = [](char const* name) -> std::string {
            char const* value = std::getenv(name);
            return value && *value ? std::string(value) : std::string();
        };
        XenithDirs dirs;
        if (as_root) {
            dirs = { "/etc/xen", "/var/lib/xenith", "/run/xenith", "/var/log/xenith" };
        } else {
            std::string home = env("HOME");
            if (home.empty())
                home = "/tmp";
            auto xdg = [&](char const* name, std::string fallback) {
                std::string value = env(name);
                return value.empty() ? fallback : value;
            };
            std::string config_home = xdg("XDG_CONFIG_HOME", home + "/.config");
            std::string state_home = xdg("XDG_STATE_HOME", home + "/.local/state");
            std::string runtime = xdg("XDG_RUNTIME_DIR", "/tmp/xenith-" + std::to_string(::geteuid()));
            dirs = { config_home + "/xen", state_home + "/xenith", runtime + "/xenith", state_home + "/xenith/log" };
        }
        if (auto v = env("XENITH_CONFIG_DIR"); !v.empty())
            dirs.config = v;
        if (auto v = env("XENITH_STATE_DIR"); !v.empty())
            dirs.state = v;
        if (auto v = env("XENITH_RUN_DIR"); !v.empty())
            dirs.run = v;
        if (auto v = env("XENITH_LOG_DIR"); !v.empty())
            dirs.log = v;
        return dirs;
    }
};

} // namespace xenith
