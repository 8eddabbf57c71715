#pragma once
// A recorded run as one self-contained HTML page (`runbook status --format html`): a header
// (runbook, status, who, when, inputs), the step graph as SVG coloured by outcome, a timeline of
// the steps with durations and attempts, the approvals (who, when, how, why) and each step's
// command, error and output tail, collapsed. No script, no external file, font or request:
// the page reads the same offline, in a mail attachment or an audit folder.
//
// Everything shown comes from the journal (already masked: secrets are `***`) and, for the
// graph, from the runbook's structure (step ids, names and guards as written, never rendered
// with the run's values). Every text is HTML-escaped.
#include <cstdint>
#include <string>
#include <string_view>

#include "load/model.h"
#include "record/journal_reader.h"

namespace rb::report {

struct ReportInput {
  const record::RunRecord* run = nullptr;
  // The runbook the run ran, for the graph; null when it cannot be read any more.
  const model::Runbook* runbook = nullptr;
  // Shown above the graph: why there is none, or that the file changed since the run.
  std::string graph_note;
  std::string generator = "runbook";  // "runbook 0.1.0", in the footer
};

std::string run_report_html(const ReportInput& in);

// Text for HTML element content and attribute values: & < > " ' escaped, ANSI colour sequences
// dropped and other control characters (but newline and tab) shown as '?'.
std::string html_escape(std::string_view s);

// Milliseconds since the epoch of a journal time ("2026-11-23T21:25:01.123Z"), -1 if malformed.
int64_t parse_journal_time(const std::string& iso);

}  // namespace rb::report
