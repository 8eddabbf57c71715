#pragma once
// A recorded run rendered for people (text), programs (JSON), pull requests and audits
// (Markdown) and CI dashboards (JUnit XML: one testcase per step).
#include <string>

#include "record/journal_reader.h"

namespace rb::cli {

std::string status_text(const record::RunRecord& run);
std::string status_json(const record::RunRecord& run);
std::string status_markdown(const record::RunRecord& run);
std::string status_junit(const record::RunRecord& run);

// Text for an XML attribute or element (control characters XML forbids become '?').
std::string xml_escape(const std::string& s);

}  // namespace rb::cli
