// xend's logging: spdlog with a file, stderr and ring-buffer sink.
#include "toolstack/xend/xend_log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "base/log.h"

namespace xenith::xend_log {

namespace {

std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> g_ring;

}

Status init(std::string const& path, std::string const& level, Stderr also_stderr)
{
    auto parsed = spdlog::level::from_str(level);
    if (parsed == spdlog::level::off && level != "off")
        return fail("loglevel '{}' (xend-config.sxp): expected one of trace, debug, info, warn, error, off", level);
    std::vector<spdlog::sink_ptr> sinks;
    try {
        sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(path));
    } catch (spdlog::spdlog_ex const& e) {
        // spdlog reports failures by exception; it stops here.
        return fail("xend log {}: {}", path, e.what());
    }
    if (also_stderr == Stderr::Yes)
        sinks.push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
    g_ring = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1000);
    sinks.push_back(g_ring);
    auto logger = std::make_shared<spdlog::logger>("xend", sinks.begin(), sinks.end());
    logger->set_level(parsed);
    logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] %n %l: %v");
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
    return {};
}

std::vector<std::string> recent(bool clear)
{
    if (!g_ring)
        return {};
    auto lines = g_ring->last_formatted();
    for (auto& line : lines)
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
            line.pop_back();
    if (clear) {
        // The ring sink has no clear(); replace it with a fresh one in the same logger.
        auto fresh = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1000);
        auto& sinks = spdlog::default_logger()->sinks();
        std::replace(sinks.begin(), sinks.end(), spdlog::sink_ptr(g_ring), spdlog::sink_ptr(fresh));
        g_ring = fresh;
    }
    return lines;
}

} // namespace xenith::xend_log
