#include "load/inputs_file.h"

#include "load/yaml_tree.h"

#include "base/file_read.h"
#include "load/yaml_guard.h"
#include "load/yaml_reader.h"

namespace rb::load {
namespace {

constexpr size_t kMaxInputsFileBytes = 4 * 1024 * 1024;

}  // namespace

std::optional<expr::Map> read_inputs_file(const std::string& path, Diagnostics& diags) {
  std::string why;
  std::optional<std::string> text = read_regular_file(path, kMaxInputsFileBytes, &why);
  if (!text) {
    auto file = std::make_shared<SourceFile>(path, "");
    diags.retain(file);
    diags.error(Location{file.get(), 0, 0}, "cannot read inputs file '" + path + "': " + why);
    return std::nullopt;
  }
  auto file = std::make_shared<SourceFile>(path, std::move(*text));
  diags.retain(file);
  std::unique_ptr<yaml::Tree> tree;
  try {
    tree = yaml::Tree::parse(*file, "an inputs file", diags);
  } catch (const YAML::Exception& e) {
    report_yaml_error(*file, e, diags, "");
    return std::nullopt;
  }
  if (!tree) return std::nullopt;  // a refused feature, reported
  const yaml::Node root = tree->root();

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
