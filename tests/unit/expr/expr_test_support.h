#pragma once
// Shared helpers for the expression tests: expressions are parsed as if they sat in a runbook at
// line 3, column 10, so located errors can be checked by column (offset k -> column 10 + k).
#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "base/diagnostic_renderer.h"
#include "base/source_file.h"
#include "base/text_origin.h"
#include "expr/evaluate.h"
#include "expr/expression.h"
#include "expr/scope.h"
#include "expr/value.h"

namespace rb::expr::testing {

inline const SourceFile& test_file() {
  static const SourceFile file("x.yaml", "runbook: 1\nsteps:\n  - if: <expression>\n");
  return file;
}

inline TextOrigin test_origin() {
  return TextOrigin(Location{&test_file(), 3, 10});
}

// inputs, steps (one that ran, one skipped), env and item.
inline const MapScope& test_scope() {
  static const MapScope scope = [] {
    MapScope s;
    s.set("inputs", Map{{"app", "mysql"},
                        {"revision", 42},
                        {"mode", "store"},
                        {"empty", ""},
                        {"ratio", 0.5},
                        {"nothing", nullptr},
                        {"numbers", List{3, 1, 2}},
                        {"tags", List{"b", "a"}},
                        {"labels", Map{{"team", "db"}, {"tier", "gold"}}}});
    s.set(
        "steps",
        Map{{"pre-check",
             Map{{"status", "succeeded"}, {"exit_code", 0}, {"outputs", Map{{"version", "8.0"}}}}},
            {"skipped", nullptr}});
    s.set("item", "x");
    return s;
  }();
  return scope;
}

inline ExprPtr parse_ok(std::string_view text) {
  Diagnostics diags;
  ExprPtr e = parse_expression(text, test_origin(), diags);
  INFO("parsing: " << text << "\n" << render_diagnostics(diags));
  REQUIRE(e != nullptr);
  REQUIRE(diags.empty());
  return e;
}

inline Value eval(std::string_view text, const Scope& scope = test_scope()) {
  return evaluate(*parse_ok(text), scope);
}

struct Failure {
  std::string message;
  std::string hint;
  int column = 0;
  int length = 0;
  size_t count = 0;  // diagnostics reported
};

// The runtime error evaluating `text` raises.
inline Failure eval_failure(std::string_view text, const Scope& scope = test_scope()) {
  ExprPtr e = parse_ok(text);
  try {
    Value v = evaluate(*e, scope);
    FAIL("no error evaluating " << text << "; got " << v.to_json());
  } catch (const EvalError& err) {
    CHECK(err.location().file == &test_file());
    CHECK(err.location().line == 3);
    return Failure{err.message(), err.hint(), err.location().column, 0, 1};
  }
  return {};
}

inline Failure first_diagnostic(const Diagnostics& diags) {
  REQUIRE(!diags.empty());
  const Diagnostic& d = diags.items()[0];
  CHECK(d.severity == Severity::kError);
  CHECK(d.location.file == &test_file());
  CHECK(d.location.line == 3);
  return Failure{d.message, d.hint, d.location.column, d.length, diags.items().size()};
}

// The diagnostic parsing `text` reports.
inline Failure parse_failure(std::string_view text) {
  Diagnostics diags;
  ExprPtr e = parse_expression(text, test_origin(), diags);
  INFO("parsing: " << text);
  CHECK(e == nullptr);
  return first_diagnostic(diags);
}

}  // namespace rb::expr::testing
