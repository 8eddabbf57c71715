#include "load/yaml_guard.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <sstream>
#include <string>

namespace rb::load {
namespace {

// Thrown from the event handler to stop the parse at the first refused feature.
struct Refused {
  YAML::Mark mark;
  std::string message;
  std::string hint;
};

class FeatureGuard : public YAML::EventHandler {
 public:
  explicit FeatureGuard(std::string_view what) : what_(what) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1) {
      throw Refused{mark, "a second YAML document in " + what_,
                    "a file holds one document: remove the '---' or '...' line and what "
                    "follows, or move it to a file of its own"};
    }
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { check(mark, "", anchor); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    throw Refused{mark, "YAML aliases ('*name') are not allowed in " + what_,
                  "write the value out where it is used (a value starting with '*' needs "
                  "quotes)"};
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string&) override {
    check(mark, tag, anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, tag, anchor);
  }
  void OnSequenceEnd() override { --depth_; }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, tag, anchor);
  }
  void OnMapEnd() override { --depth_; }

 private:
  void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor) {
    check(mark, tag, anchor);
    if (++depth_ > kMaxYamlDepth) {
      throw Refused{
          mark, "the YAML is nested more than " + std::to_string(kMaxYamlDepth) + " levels deep",
          "a runbook is a shallow file; is this the right file?"};
    }
  }
  void check(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) {
      throw Refused{mark, "YAML anchors ('&name') are not allowed in " + what_,
                    "write the value out where it is used (a value starting with '&' needs "
                    "quotes)"};
    }
    // "?" is a plain node and "!" a quoted scalar: no tag was written. `!!str` is harmless.
    if (!tag.empty() && tag != "?" && tag != "!" && tag != "tag:yaml.org,2002:str") {
      std::string shown = tag.rfind("tag:yaml.org,2002:", 0) == 0 ? "!!" + tag.substr(18) : tag;
      throw Refused{mark, "YAML tag '" + shown + "' is not allowed in " + what_,
                    "runbook values are plain text, numbers, lists and mappings; remove the "
                    "tag, or quote the value if the '!' is part of the text"};
    }
  }

  std::string what_;
  int depth_ = 0;
  int documents_ = 0;
};

Location where(const SourceFile& file, const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0 || mark.column < 0) return Location{&file, 1, 1};
  return Location{&file, mark.line + 1, mark.column + 1};
}

}  // namespace

bool check_yaml_features(const SourceFile& file, std::string_view what, Diagnostics& diags) {
  std::istringstream in(file.text());
  try {
    YAML::Parser parser(in);
    FeatureGuard guard(what);
    // Anything after the first document is a second one (after `---`, or text after `...`).
    while (parser.HandleNextDocument(guard)) {
    }
  } catch (const Refused& r) {
    diags.error(where(file, r.mark), r.message, r.hint);
    return false;
  } catch (const YAML::Exception&) {
    return true;  // a syntax error: YAML::Load reports it
  }
  return true;
}

void report_yaml_error(const SourceFile& file, const YAML::Exception& e, Diagnostics& diags,
                       std::string hint) {
  if (dynamic_cast<const YAML::DeepRecursion*>(&e) != nullptr) {
    diags.error(where(file, e.mark),
                "the YAML is nested more than " + std::to_string(kMaxYamlDepth) + " levels deep",
                "a runbook is a shallow file; is this the right file?");
    return;
  }
  diags.error(where(file, e.mark), "invalid YAML: " + e.msg, std::move(hint));
}

}  // namespace rb::load
