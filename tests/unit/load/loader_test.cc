#include <catch2/catch.hpp>

#include "base/diagnostic_renderer.h"
#include "load/input_values.h"
#include "load/loader.h"
#include "load/scalar_origin.h"
#include "load/test_loader.h"

using namespace rb;

namespace {

std::shared_ptr<const model::Runbook> load_text(const std::string& text, Diagnostics& ds) {
  return load::load_runbook_text("t.yaml", text, ds);
}

}  // namespace

TEST_CASE("a runbook loads into the typed model with locations") {
  Diagnostics ds;
  auto rb = load_text(R"(runbook: 1
name: demo
inputs:
  revision: { type: integer, required: true }
  mode: { type: string, enum: [store, local], default: store }
vars:
  leader: "${{ inputs.app }}/leader"
steps:
  - id: refresh
    if: inputs.mode == 'store'
    run: juju refresh --revision=${{ inputs.revision }}
    timeout: 10m
    retry: { attempts: 3, delay: 5s, backoff: 2 }
  - steps:
      - log: inner
finally:
  - log: done
)",
                      ds);
  INFO(render_diagnostics(ds));
  REQUIRE(rb);
  CHECK_FALSE(ds.has_errors());
  CHECK(rb->name.value == "demo");
  REQUIRE(rb->inputs.size() == 2);
  CHECK(rb->inputs[0].type == model::InputType::kInteger);
  CHECK(rb->inputs[0].required);
  CHECK(rb->inputs[1].allowed.size() == 2);
  CHECK(rb->inputs[1].default_value->as_string() == "store");
  REQUIRE(rb->steps.size() == 2);
  const model::Step& s = rb->steps[0];
  CHECK(s.id == "refresh");
  CHECK(s.id_location.line == 9);
  CHECK(s.id_location.column == 9);
  CHECK(s.action_name == "run");
  CHECK(s.timeout->value == Duration(600000));
  CHECK(s.retry->attempts == 3);
  CHECK(s.retry->backoff == 2.0);
  CHECK(s.guard != nullptr);
  CHECK(std::get<model::GroupAction>(rb->steps[1].action).steps.size() == 1);
  CHECK(rb->finally_steps.size() == 1);
}

TEST_CASE("expressions in quoted and block scalars point at the right column") {
  SourceFile file("q.yaml", "a: \"x ${{ y }}\"\nb: |\n  line one\n  ${{ z }}\n");
  // Double-quoted: value `x ${{ y }}` starts after the quote at column 5.
  TextOrigin q = load::scalar_origin(file, 1, 4, "x ${{ y }}");
  CHECK(q.locate(0).column == 5);
  CHECK(q.locate(6).column == 11);
  // Block literal: value "line one\n${{ z }}\n": the second line sits at line 4, column 3.
  TextOrigin b = load::scalar_origin(file, 2, 4, "line one\n${{ z }}\n");
  CHECK(b.locate(0).line == 3);
  CHECK(b.locate(0).column == 3);
  CHECK(b.locate(9).line == 4);
  CHECK(b.locate(9).column == 3);
}

TEST_CASE("an error inside a template in a quoted scalar is located in the file") {
  Diagnostics ds;
  load_text("runbook: 1\nname: t\nsteps:\n  - log: \"value ${{ 1 + }}\"\n", ds);
  REQUIRE(ds.has_errors());
  CHECK(ds.items()[0].location.line == 4);
  CHECK(ds.items()[0].location.column > 18);
}

TEST_CASE("inputs convert from command-line text to their declared type") {
  using model::InputType;
  std::string why;
  CHECK(load::convert_input(InputType::kInteger, expr::Value("88"), &why)->as_int() == 88);
  CHECK_FALSE(load::convert_input(InputType::kInteger, expr::Value("8x"), &why));
  CHECK(why == "expected an integer, got '8x'");
  CHECK(load::convert_input(InputType::kNumber, expr::Value("1.5"), &why)->as_double() == 1.5);
  CHECK(load::convert_input(InputType::kBoolean, expr::Value("yes"), &why)->as_bool());
  CHECK_FALSE(load::convert_input(InputType::kBoolean, expr::Value("maybe"), &why));
  auto list = load::convert_input(InputType::kList, expr::Value("a, b,c"), &why);
  REQUIRE(list);
  CHECK(list->as_list().size() == 3);
  CHECK(list->as_list()[1].as_string() == "b");
  auto json = load::convert_input(InputType::kList, expr::Value("[1, \"x\"]"), &why);
  REQUIRE(json);
  CHECK(json->as_list()[0].as_int() == 1);
  CHECK_FALSE(load::convert_input(InputType::kList, expr::Value("[1,"), &why));
  CHECK(load::convert_input(InputType::kString, expr::Value(int64_t{42}), &why)->as_string() ==
        "42");
}

TEST_CASE("enum and pattern constrain input values") {
  model::InputSpec spec;
  spec.name = "mode";
  spec.allowed = {expr::Value("store"), expr::Value("local")};
  CHECK(load::check_input_constraints(spec, expr::Value("store")).empty());
  CHECK(load::check_input_constraints(spec, expr::Value("remote")) ==
        "'remote' is not one of the allowed values: store, local");
  spec.allowed.clear();
  spec.pattern = model::Located<std::string>{"[a-z0-9-]+", {}};
  CHECK(load::check_input_constraints(spec, expr::Value("mysql-k8s")).empty());
  CHECK(load::check_input_constraints(spec, expr::Value("mysql k8s")) ==
        "'mysql k8s' does not match the pattern '[a-z0-9-]+'");
}

TEST_CASE("hostile YAML does not crash the loader") {
  Diagnostics ds;
  std::string deep(5000, '[');
  CHECK(load_text("runbook: 1\nname: t\nsteps: " + deep + "\n", ds) == nullptr);
  CHECK(ds.has_errors());
  Diagnostics ds2;
  std::string nested = "runbook: 1\nname: t\nsteps:\n";
  std::string indent = "  ";
  for (int i = 0; i < 40; ++i) {
    nested += indent + "- steps:\n";
    indent += "    ";
  }
  nested += indent + "- log: deep\n";
  load_text(nested, ds2);
  CHECK(ds2.has_errors());
  Diagnostics ds3;
  CHECK(load_text("runbook: 1\nname: t\nsteps:\n  - log: &a x\n  - log: *b\n", ds3) == nullptr);
  CHECK(ds3.has_errors());
}

TEST_CASE("a test file's mistakes are located, with did you mean") {
  Diagnostics diags;
  auto tf = load::load_test_text("t.test.yaml", R"(runbook: rb.yaml
scenarios:
  - name: one
    mocks:
      - match: "a *"
        exit_code: 1
        results: [{ exit_code: 0 }]
    expect:
      stauts: failed
)",
                                 diags);
  REQUIRE(tf != nullptr);
  std::vector<std::string> got;
  for (const Diagnostic& d : diags.items()) {
    got.push_back(d.location.str() + ": " + d.message + " | " + d.hint);
  }
  CHECK(got == std::vector<std::string>{
                   "t.test.yaml:6:9: a mock has both 'results' and 'exit_code' | put 'exit_code' "
                   "into each of the results",
                   "t.test.yaml:9:7: unknown key 'stauts' in 'expect' | did you mean 'status'?"});
  CHECK(tf->runbook_path == "rb.yaml");
}

TEST_CASE("an input with env: takes its value from the environment; -i wins over it") {
  Diagnostics ds;
  auto rb = load_text(R"(runbook: 1
name: t
inputs:
  token: { type: string, secret: true, required: true, env: DB_TOKEN }
  port: { type: integer, env: DB_PORT, default: 5432 }
steps:
  - log: hi
)",
                      ds);
  REQUIRE(rb);
  REQUIRE_FALSE(ds.has_errors());
  REQUIRE(rb->inputs[0].env_var);
  CHECK(rb->inputs[0].env_var->value == "DB_TOKEN");
  std::vector<std::string> problems;
  const std::vector<std::string> env = {"DB_TOKENX=no", "DB_TOKEN=s3cr3t", "DB_PORT=6432"};
  auto in = load::resolve_inputs(*rb, {}, &problems, nullptr, &env);
  REQUIRE(in);
  CHECK((*in)["token"] == expr::Value("s3cr3t"));
  CHECK((*in)["port"] == expr::Value(int64_t{6432}));  // converted to its type
  in = load::resolve_inputs(*rb, {{"token", expr::Value("given")}}, &problems, nullptr, &env);
  REQUIRE(in);
  CHECK((*in)["token"] == expr::Value("given"));
  // Not in the environment: still required, and the message names the variable.
  CHECK_FALSE(load::resolve_inputs(*rb, {}, &problems, nullptr, nullptr));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] ==
        "missing required input 'token' (string); give it with -i token=VALUE or the environment "
        "variable DB_TOKEN");
  // A bad value from the environment is refused like one given with -i.
  const std::vector<std::string> bad = {"DB_TOKEN=x", "DB_PORT=many"};
  CHECK_FALSE(load::resolve_inputs(*rb, {}, &problems, nullptr, &bad));
  CHECK(problems == std::vector<std::string>{"input 'port': expected an integer, got 'many'"});
}

TEST_CASE("required_if makes an input required when other inputs say so") {
  Diagnostics ds;
  auto rb = load_text(R"(runbook: 1
name: t
inputs:
  mode: { type: string, enum: [store, local], default: store }
  charm_path: { type: string, required_if: "inputs.mode == 'local'", description: the .charm file }
steps:
  - log: hi
)",
                      ds);
  REQUIRE(rb);
  REQUIRE_FALSE(ds.has_errors());
  std::vector<std::string> problems;
  CHECK(load::resolve_inputs(*rb, {}, &problems));
  CHECK_FALSE(load::resolve_inputs(*rb, {{"mode", expr::Value("local")}}, &problems));
  CHECK(problems == std::vector<std::string>{
                        "missing input 'charm_path' (string), required because inputs.mode == "
                        "'local': the .charm file; give it with -i charm_path=VALUE"});
  CHECK(load::resolve_inputs(
      *rb, {{"mode", expr::Value("local")}, {"charm_path", expr::Value("./x.charm")}}, &problems));
  // Planning: a condition on an input not given yet is decided at run time.
  std::vector<std::string> missing;
  CHECK(load::resolve_inputs(*rb, {{"mode", expr::Value::unknown_path("inputs.mode")}}, &problems,
                             &missing));
}

TEST_CASE("required_if and required together, or a bad env name, are refused") {
  Diagnostics ds;
  load_text(R"(runbook: 1
name: t
inputs:
  a: { type: string, required: true, required_if: "inputs.b == 'x'" }
  b: { type: string, env: "1BAD" }
steps:
  - log: hi
)",
            ds);
  std::string text = render_diagnostics(ds);
  CHECK(text.find("input 'a' has both 'required: true' and 'required_if'") != std::string::npos);
  CHECK(text.find("invalid environment variable name '1BAD'") != std::string::npos);
}

TEST_CASE("which inputs can hold a value starting with '-' (validate's option note)") {
  auto spec = [](model::InputType type, std::vector<expr::Value> allowed, const char* pattern) {
    model::InputSpec s;
    s.type = type;
    s.allowed = std::move(allowed);
    if (pattern) s.pattern = model::Located<std::string>{pattern, {}};
    return s;
  };
  using T = model::InputType;
  // Without enum or pattern a string starting with '-' is refused when given: it cannot.
  CHECK_FALSE(load::input_may_start_with_dash(spec(T::kString, {}, nullptr)));
  CHECK_FALSE(load::input_may_start_with_dash(spec(T::kList, {}, nullptr)));
  CHECK_FALSE(load::input_may_start_with_dash(spec(T::kBoolean, {}, nullptr)));
  CHECK(load::input_may_start_with_dash(spec(T::kString, {}, "-?[a-z]+")));
  CHECK(load::input_may_start_with_dash(spec(T::kString, {}, ".*")));
  CHECK(load::input_may_start_with_dash(spec(T::kString, {}, "(.*\\.charm)?")));
  CHECK(load::input_may_start_with_dash(spec(T::kString, {}, "[a-z0-9-]+")));
  CHECK_FALSE(load::input_may_start_with_dash(spec(T::kString, {}, "[a-z][a-z0-9-]*")));
  CHECK_FALSE(load::input_may_start_with_dash(spec(T::kString, {}, "[0-9]+|zero")));
  CHECK_FALSE(load::input_may_start_with_dash(spec(T::kString, {}, "(")));  // invalid: said so
  CHECK(load::input_may_start_with_dash(
      spec(T::kString, {expr::Value("a"), expr::Value("-n")}, nullptr)));
  CHECK_FALSE(load::input_may_start_with_dash(
      spec(T::kString, {expr::Value("store"), expr::Value("local")}, nullptr)));
  // A number can be negative unless its enum or pattern says otherwise.
  CHECK(load::input_may_start_with_dash(spec(T::kInteger, {}, nullptr)));
  CHECK(load::input_may_start_with_dash(spec(T::kNumber, {}, nullptr)));
  CHECK_FALSE(load::input_may_start_with_dash(spec(T::kInteger, {}, "[0-9]+")));
  CHECK_FALSE(load::input_may_start_with_dash(
      spec(T::kInteger, {expr::Value(int64_t{1}), expr::Value(int64_t{2})}, nullptr)));
}

TEST_CASE("a long list of steps loads on several threads into the order it was written") {
  // 600 steps: past the length loaded in parallel; errors in three of them, one from a `set`.
  std::string text = "runbook: 1\nname: long\nsteps:\n";
  for (int i = 0; i < 600; ++i) {
    const std::string k = std::to_string(i);
    if (i == 1) {
      text += "  - id: s1\n    runn: echo 1\n";
    } else if (i == 300) {
      text += "  - id: s300\n    set: { 1bad: x }\n";
    } else if (i == 599) {
      text += "  - id: s599\n    log: a\n    timeout: forever\n";
    } else {
      text += "  - id: s" + k + "\n    run: echo " + k + "\n";
    }
  }
  Diagnostics ds;
  auto rb = load_text(text, ds);
  REQUIRE(rb);
  REQUIRE(rb->steps.size() == 600);
  for (int i = 0; i < 600; ++i) CHECK(rb->steps[i].id == "s" + std::to_string(i));
  // The messages in the order one loop gives: step by step, each step's keys before its action.
  std::vector<int> lines;
  for (const Diagnostic& d : ds.items()) lines.push_back(d.location.line);
  // s1: the unknown key 'runn' (line 7), then "no action" (its first line); s300's set (line
  // 605); s599's timeout (line 1204).
  CHECK(lines == std::vector<int>{7, 6, 605, 1204});
}
