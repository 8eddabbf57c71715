#include "load/inputs_file.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "load/yaml_reader.h"

namespace rb::load {

std::optional<expr::Map> read_inputs_file(const std::string& path, Diagnostics& diags) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    auto file = std::make_shared<SourceFile>(path, "");
    diags.retain(file);
    diags.error(Location{file.get(), 0, 0},
                "cannot read inputs file '" + path + "': " + std::strerror(errno));
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto file = std::make_shared<SourceFile>(path, ss.str());
  diags.retain(file);
  YAML::Node root;
  try {
    root = YAML::Load(file->text());
  } catch (const YAML::Exception& e) {
    diags.error(Location{file.get(), e.mark.line + 1, e.mark.column + 1}, "invalid YAML: " + e.msg);
    return std::nullopt;
  }
  YamlReader r(*file, diags);
  expr::Map out;
  if (root.IsNull()) return out;
  if (!r.expect_map(root, "an inputs file", Location{file.get(), 1, 1})) return std::nullopt;
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (!it->first.IsScalar()) {
      diags.error(r.at(it->first), "an input name must be a name");
      continue;
    }
    out[it->first.Scalar()] = r.node_value(it->second);
  }
  if (diags.has_errors()) return std::nullopt;
  return out;
}

}  // namespace rb::load
