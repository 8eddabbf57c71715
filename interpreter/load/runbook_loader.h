#pragma once
// The loader's working state for one load: the include stack (to refuse include cycles) and a
// cache so a file included twice is read once. Private to load/.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/diagnostic.h"
#include "load/model.h"
#include "load/yaml_reader.h"
#include "load/yaml_tree.h"

namespace rb::load {

class RunbookLoader {
 public:
  explicit RunbookLoader(Diagnostics& diags) : diags_(diags) {}

  std::shared_ptr<const model::Runbook> load_file(const std::string& path, Location included_from);
  std::shared_ptr<const model::Runbook> load_text(const std::string& path, std::string text);

 private:
  friend class StepLoader;

  void load_inputs(YamlReader& r, const yaml::Node& node, model::Runbook& rb);
  void load_input(YamlReader& r, const yaml::Node& key, const yaml::Node& node,
                  model::InputSpec& spec);
  std::vector<model::NamedTemplate> load_named_templates(YamlReader& r, const yaml::Node& node,
                                                         std::string_view what, bool env_names,
                                                         Location fallback);

  Diagnostics& diags_;
  struct Loading {
    std::string canonical;
    std::string shown;  // the path as the runbook wrote it, for messages
  };
  std::vector<Loading> stack_;  // files being loaded, outermost first
  std::map<std::string, std::shared_ptr<const model::Runbook>> cache_;
};

// Loads steps for RunbookLoader (steps, handlers, groups, includes).
class StepLoader {
 public:
  StepLoader(RunbookLoader& loader, YamlReader& reader, const std::string& file_path)
      : loader_(loader), r_(reader), file_path_(file_path) {}

  std::vector<model::Step> load_steps(const yaml::Node& node, std::string_view what,
                                      Location fallback, int depth);
  // outputs: {NAME: EXPR} of a step or of a runbook.
  std::vector<model::NamedExpr> load_outputs(const yaml::Node& n, Location at);

 private:
  struct StepKeys;  // the values of a step's keys, found in one pass (step_loader.cc)

  std::optional<model::Step> load_step(const yaml::Node& node, int depth);
  std::optional<std::vector<model::Step>> load_in_parallel(const yaml::Node& node);
  bool load_action(const StepKeys& k, const std::string& key, const yaml::Node& value,
                   model::Step& step, int depth);
  std::optional<model::Command> load_command(const yaml::Node& run, const yaml::Node& exec,
                                             const yaml::Node& shell, Location fallback);
  void load_modifiers(const StepKeys& k, model::Step& step, int depth);
  void load_fan_out(const StepKeys& k, model::Step& step);

  RunbookLoader& loader_;
  YamlReader& r_;
  const std::string& file_path_;
};

bool is_identifier(const std::string& s, bool allow_hyphen);
// Reports bytes that make a file not text (or not UTF-8), at their place. False when found.
bool check_text(const SourceFile& file, Diagnostics& diags);

}  // namespace rb::load
