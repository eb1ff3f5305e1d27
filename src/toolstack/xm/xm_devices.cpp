// xm's device commands: argument checking in Xen's syntax, one xend call each, Xen's tables.
#include "toolstack/xm/xm_devices.h"

#include <cstdio>

#include <fmt/format.h>

namespace xenith::xm {

namespace {

using Json = nlohmann::json;
using Args = std::vector<std::string>;

std::unexpected<DeviceFailure> failure(std::string message) { return std::unexpected(DeviceFailure { std::move(message), false }); }
std::unexpected<DeviceFailure> usage(std::string message) { return std::unexpected(DeviceFailure { std::move(message), true }); }

// Xen's xenbus states: the backend is ready and waits for the guest (InitWait), or the guest's
// driver runs the device (Connected).
constexpr unsigned kStateInitWait = 2;
constexpr unsigned kStateConnected = 4;

unsigned xenbus_state(Json const& dev) { return dev.value("connected", false) ? kStateConnected : kStateInitWait; }
uint64_t page_of(Json const& dev, char const* key) { return dev.value(key, uint64_t(0)) >> 12; }

// Splits -l/--long (or -f/--force) from the positional words.
struct Words {
    Args positional;
    bool flag { false };
};

std::expected<Words, DeviceFailure> split(Args const& args, char short_flag, std::string_view long_flag)
{
    Words words;
    for (auto const& arg : args) {
        if (arg == std::string("-") + short_flag || arg == "--" + std::string(long_flag))
            words.flag = true;
        else if (arg.size() > 1 && arg[0] == '-')
            return usage(fmt::format("unknown option {}", arg));
        else
            words.positional.push_back(arg);
    }
    return words;
}

DeviceOutcome list(DeviceCall const& call, Args const& args, char const* op, char const* key, std::string (*format)(Json const&))
{
    auto words = split(args, 'l', "long");
    if (!words)
        return std::unexpected(words.error());
    if (words->positional.empty())
        return usage(fmt::format("'xm {}' requires a domain", op));
    for (auto const& domain : words->positional) {
        auto reply = call(op, { { "domain", domain } });
        if (!reply)
            return failure(reply.error().message());
        Json devices = Json::array();
        for (auto const& dev : reply->value(key, Json::array()))
            if (dev.value("attached", false))
                devices.push_back(dev);
        if (words->flag)
            std::printf("%s\n", Json { { "domain", reply->value("domain", domain) }, { key, devices } }.dump(4).c_str());
        else
            std::fputs(format(devices).c_str(), stdout);
    }
    return {};
}

// xm block-detach / network-detach <Domain> <Device> [-f|--force] as API call `op`.
DeviceOutcome detach(DeviceCall const& call, Args const& args, std::string const& op, std::string_view what)
{
    auto words = split(args, 'f', "force");
    if (!words)
        return std::unexpected(words.error());
    if (words->positional.size() != 2)
        return usage(fmt::format("'xm {}' requires a domain and {}", op, what));
    auto reply = call(op, { { "domain", words->positional[0] }, { "device", words->positional[1] }, { "force", words->flag } });
    if (!reply)
        return failure(reply.error().message());
    return {};
}

} // namespace

std::string format_block_list(Json const& disks)
{
    // Xen 3's xm: "%(idx)-3d    %(backend-id)-3d  %(handle)-3d   %(state)-3d    %(event-ch)-3d    %(ring-ref)-5d %(be-path)-30s  "
    std::string out;
    for (auto const& d : disks) {
        if (out.empty())
            out = "Vdev  BE handle state evt-ch ring-ref BE-path\n";
        out += fmt::format("{:<3}    {:<3}  {:<3}   {:<3}    {:<3}    {:<5} {:<30}  \n", d.value("devid", 0u), 0, d.value("slot", 0u),
            xenbus_state(d), d.value("irq", 0u), page_of(d, "ring_gpa"), d.value("path", std::string()));
    }
    return out;
}

std::string format_network_list(Json const& nics)
{
    // Xen 3's xm: "%(idx)-3d %(backend-id)-3d%(mac)-17s    %(handle)-3d   %(state)-3d    %(event-ch)-3d   "
    //             "%(tx-ring-ref)-5d/%(rx-ring-ref)-5d   %(be-path)-30s  "
    std::string out;
    for (auto const& n : nics) {
        if (out.empty())
            out = "Idx BE     MAC Addr.     handle state evt-ch tx-/rx-ring-ref BE-path\n";
        out += fmt::format("{:<3} {:<3}{:<17}    {:<3}   {:<3}    {:<3}   {:<5}/{:<5}   {:<30}  \n", n.value("devid", 0u), 0,
            n.value("mac", std::string()), n.value("slot", 0u), xenbus_state(n), n.value("irq", 0u), page_of(n, "tx_ring_gpa"),
            page_of(n, "rx_ring_gpa"), n.value("backend", std::string()));
    }
    return out;
}

DeviceOutcome block_list(DeviceCall const& call, Args const& args) { return list(call, args, "block-list", "disks", format_block_list); }

DeviceOutcome network_list(DeviceCall const& call, Args const& args) { return list(call, args, "network-list", "nics", format_network_list); }

DeviceOutcome block_attach(DeviceCall const& call, Args const& args)
{
    // xm block-attach <Domain> <BackDev> <FrontDev> <Mode> [BackDomain]
    if (args.size() < 4 || args.size() > 5)
        return usage("'xm block-attach' requires 4 or 5 arguments");
    if (args.size() == 5 && args[4] != "0" && args[4] != "Domain-0")
        return failure(fmt::format("backend domain {}: Xenith's disk backends run in Domain-0 only", args[4]));
    if (args[3] != "w" && args[3] != "r" && args[3] != "w!" && args[3] != "rw" && args[3] != "ro")
        return usage(fmt::format("mode '{}': use w (read-write) or r (read-only)", args[3]));
    std::string mode = args[3] == "w!" || args[3] == "rw" ? "w" : args[3] == "ro" ? "r" : args[3];
    std::string spec = fmt::format("{},{},{}", args[1], args[2], mode);
    auto reply = call("block-attach", { { "domain", args[0] }, { "spec", spec } });
    if (!reply)
        return failure(reply.error().message());
    return {};
}

DeviceOutcome block_detach(DeviceCall const& call, Args const& args)
{
    // xm block-detach <Domain> <DevId> [-f|--force]: ours never waits for the guest, so -f
    // changes nothing.
    return detach(call, args, "block-detach", "a device");
}

DeviceOutcome network_attach(DeviceCall const& call, Args const& args)
{
    // xm network-attach <Domain> [type=..] [mac=..] [bridge=..] [ip=..] [script=..] [backend=..]
    //                   [vifname=..] [rate=..] [model=..]
    if (args.empty())
        return usage("'xm network-attach' requires a domain");
    std::string spec;
    for (size_t i = 1; i < args.size(); ++i) {
        if (args[i].find('=') == std::string::npos)
            return usage(fmt::format("'{}' is not KEY=VALUE (e.g. bridge=xenbr0, mac=00:16:3e:00:00:01, rate=10Mb/s)", args[i]));
        spec += (spec.empty() ? "" : ",") + args[i];
    }
    auto reply = call("network-attach", { { "domain", args[0] }, { "spec", spec } });
    if (!reply)
        return failure(reply.error().message());
    return {};
}

DeviceOutcome network_detach(DeviceCall const& call, Args const& args)
{
    // xm network-detach <Domain> <DevId|mac> [-f|--force]
    return detach(call, args, "network-detach", "a device (its Idx or MAC)");
}

} // namespace xenith::xm
