// plan_json and plan_digest write JSON text byte for byte as nlohmann's dump() does (reviews hold
// digests of that text): checked on strings with every byte that needs escaping or checking, at
// every position the writer's eight-bytes-at-a-time scan can meet it.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/sha256.h"
#include "plan/plan_json.h"

using namespace rb;
using nlohmann::ordered_json;

namespace {

std::vector<std::string> tricky_strings() {
  std::vector<std::string> out = {"",
                                  "plain",
                                  "é ü €",
                                  "😀 emoji",
                                  "\x7f",
                                  "\xff",
                                  "a\xe2\x82",
                                  "\xc0\xaf",
                                  "\xed\xa0\x80",
                                  "tab\there",
                                  "a \"quoted\" \\ path"};
  std::string controls;
  for (int c = 0; c < 0x20; ++c) controls += static_cast<char>(c);
  out.push_back(controls);
  for (const std::string special : {"\"", "\\", "\n", "\x01", "\x1f", "é", "\xff"}) {
    for (size_t at = 0; at <= 17; ++at) {
      std::string s(at, 'x');
      s += special;
      s += std::string(17 - at, 'y');
      out.push_back(s);
    }
  }
  return out;
}

plan::Plan tricky_plan() {
  plan::Plan p;
  p.runbook = "tricky \"one\"";
  p.file = "dir/with\\slash.yaml";
  p.inputs["msg"] = expr::Value("line\nbreak");
  p.inputs["n"] = expr::Value(int64_t{3});
  p.inputs_not_given = {"later"};
  int i = 0;
  for (const std::string& s : tricky_strings()) {
    plan::PlanStep st;
    st.path = "step" + std::to_string(i++);
    st.id = st.path;
    st.title = s;
    st.action = "run";
    st.command = s;
    st.reason = s.empty() ? "" : "because " + s;
    st.verdict = s.empty() ? plan::Verdict::kRuns : plan::Verdict::kRuntime;
    st.depth = i % 3;
    st.depends = {s, "steps.x.output"};
    st.detail = s + s;
    st.with = {"k = " + s};
    st.changes = i % 2 == 0;
    st.readonly = i % 2 == 1;
    st.probed = i % 5 == 0;
    st.probe_result = i % 5 == 0 ? "probed: " + s : "";
    st.warnings = {s};
    p.steps.push_back(st);
  }
  return p;
}

}  // namespace

TEST_CASE("plan_json is nlohmann's dump, byte for byte, escapes and bytes that are not UTF-8 too") {
  const plan::Plan p = tricky_plan();
  const std::string text = plan::plan_json(p);
  const ordered_json j = ordered_json::parse(text);
  CHECK(text == j.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n");
  // A byte that is not UTF-8 is shown as U+FFFD; the rest as written.
  CHECK(!j["steps"][0].contains("title"));  // empty: left out
  CHECK(j["steps"][2]["title"] == "é ü €");
  CHECK(j["steps"][5]["title"] == "\xEF\xBF\xBD");
  CHECK(j["steps"][11]["command"].get<std::string>().size() == 0x20);
  CHECK(j["runbook"] == "tricky \"one\"");
}

TEST_CASE(
    "the digest is the sha256 of the compact canonical text: what plan_json shows less the "
    "machine's part") {
  const plan::Plan p = tricky_plan();
  ordered_json shown = ordered_json::parse(plan::plan_json(p));
  ordered_json canonical = ordered_json::object();
  canonical["format"] = "runbook-plan-1";
  canonical["runbook"] = shown["runbook"];
  canonical["inputs"] = shown["inputs"];
  canonical["inputs_not_given"] = shown["inputs_not_given"];
  canonical["steps"] = ordered_json::array();
  for (ordered_json step : shown["steps"]) {
    step.erase("probed");
    step.erase("probe_result");
    step.erase("warnings");
    canonical["steps"].push_back(step);
  }
  const std::string expected =
      "sha256:" +
      sha256_hex(canonical.dump(-1, ' ', false, ordered_json::error_handler_t::replace));
  CHECK(plan::plan_digest(p) == expected);
}

TEST_CASE(
    "plan_json_digested: the digest worked out beside the JSON, the same text as plan_digest then "
    "plan_json") {
  const plan::Plan given = tricky_plan();
  plan::Plan with = given;
  with.digest = plan::plan_digest(with);
  const std::string expected = plan::plan_json(with);

  plan::Plan without = given;  // made without its digest (PlannerOptions::digest false)
  CHECK(plan::plan_json_digested(without) == expected);
  CHECK(without.digest == with.digest);

  // A plan that has its digest already (a probed plan's is the unprobed one's) keeps it.
  plan::Plan kept = given;
  kept.digest = "sha256:" + std::string(64, 'a');
  CHECK(plan::plan_json_digested(kept) == plan::plan_json(kept));
  CHECK(kept.digest == "sha256:" + std::string(64, 'a'));

  // No steps, and a name and file that take the whole of a short text.
  plan::Plan empty;
  plan::Plan empty_with = empty;
  empty_with.digest = plan::plan_digest(empty_with);
  CHECK(plan::plan_json_digested(empty) == plan::plan_json(empty_with));
}
