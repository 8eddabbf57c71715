// The split YAML parse (load/yaml_tree.cc) and libyaml's (load/yaml_libyaml.cc) against one
// yaml-cpp parse, on any bytes: the same tree, every mark, and the same error. Aborts on the first
// difference.
#include <yaml-cpp/exceptions.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "base/diagnostic_renderer.h"
#include "load/yaml_tree.h"

namespace {

using rb::load::yaml::Node;

void describe(const Node& n, std::string& out) {
  const YAML::Mark m = n.Mark();
  out += std::to_string(m.line) + ":" + std::to_string(m.column) + "@" + std::to_string(m.pos) +
         n.Tag() +
         (n.IsNull()     ? "~"
          : n.IsScalar() ? "'" + n.Scalar() + "'"
                         : "") +
         "\n";
  if (n.IsSequence()) {
    out += "[" + std::to_string(n.size()) + "\n";
    for (const Node& item : n) describe(item, out);
  } else if (n.IsMap()) {
    out += "{" + std::to_string(n.size()) + "\n";
    for (auto it = n.begin(); it != n.end(); ++it) {
      describe(it->first, out);
      describe(it->second, out);
    }
  }
}

std::string parse(const std::string& text, int pieces, bool libyaml = false) {
  auto file = std::make_shared<rb::SourceFile>("f.yaml", text);
  rb::Diagnostics ds;
  std::string out;
  try {
    auto tree = rb::load::yaml::Tree::parse(*file, "a runbook", ds, {0, pieces, libyaml});
    if (tree) describe(tree->root(), out);
  } catch (const YAML::Exception& e) {
    out = std::string("exception: ") + e.what();
  }
  return out + rb::render_diagnostics(ds);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string one = parse(text, 1);
  for (int pieces : {2, 5}) {
    if (parse(text, pieces) != one) std::abort();
  }
  // libyaml's parse, whole and in pieces, where it takes the text: the same again.
  for (int pieces : {1, 3}) {
    if (parse(text, pieces, true) != one) std::abort();
  }
  return 0;
}
