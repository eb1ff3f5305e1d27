// Logger set-up shared by xenith-vm, xend and xm.
#include "base/log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace xenith::log {

Status init(std::string const& program, std::string const& level, Target target, std::string const& path)
{
    auto parsed = spdlog::level::from_str(level);
    if (parsed == spdlog::level::off && level != "off")
        return fail("log level '{}': expected one of trace, debug, info, warn, error, off", level);

    spdlog::drop(program);
    std::shared_ptr<spdlog::logger> logger;
    try {
        if (target == Target::File)
            logger = spdlog::basic_logger_mt(program, path);
        else
            logger = spdlog::stderr_logger_mt(program);
    } catch (spdlog::spdlog_ex const& e) {
        // spdlog reports failures by exception; it stops here.
        return fail("log {}: {}", target == Target::File ? path : "stderr", e.what());
    }
    logger->set_level(parsed);
    logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] %n %l: %v");
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
    return {};
}

} // namespace xenith::log
