#pragma once
// Test support for the documentation coverage tests: reads a page of docs/ and splits it into
// sections at its headings (headings inside ``` fences are code, not headings).
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace rb::doc_testing {

struct Section {
  std::string heading;             // the heading line, without its leading '#'s and space
  std::vector<std::string> lines;  // the lines up to the next heading
};

inline std::string read_doc(const std::string& name) {
  std::ifstream in(std::string(RUNBOOK_SOURCE_DIR) + "/docs/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<Section> sections_of(const std::string& text) {
  std::vector<Section> out(1);
  std::istringstream in(text);
  std::string line;
  bool fenced = false;
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) fenced = !fenced;
    if (!fenced && line.rfind("#", 0) == 0) {
      size_t text_at = line.find_first_not_of('#');
      if (text_at != std::string::npos && line[text_at] == ' ') {
        out.push_back(Section{line.substr(text_at + 1), {}});
        continue;
      }
    }
    out.back().lines.push_back(line);
  }
  return out;
}

// "a, b, c" for a failure message.
inline std::string listed(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace rb::doc_testing
