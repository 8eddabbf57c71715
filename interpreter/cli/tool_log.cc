#include "cli/tool_log.h"

#include <spdlog/sinks/ansicolor_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "cli/console_style.h"

namespace rb::cli {

void init_tool_log(bool verbose) {
  std::shared_ptr<spdlog::logger> logger;
  if (use_color(stderr)) {
    logger = std::make_shared<spdlog::logger>(
        "runbook", std::make_shared<spdlog::sinks::ansicolor_stderr_sink_mt>());
  } else {
    logger = std::make_shared<spdlog::logger>("runbook",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
  }
  logger->set_pattern("%n: %^%l%$: %v");
  logger->set_level(verbose ? spdlog::level::debug : spdlog::level::info);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

}  // namespace rb::cli
