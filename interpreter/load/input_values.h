#pragma once
// Input values: converting what a user gives (a -i NAME=VALUE string, a YAML value from an
// inputs file or a default) to an input's declared type, and checking enum and pattern.
#include <optional>
#include <string>
#include <vector>

#include "expr/value.h"
#include "load/model.h"

namespace rb::load {

// Converts `raw` to the input's type. Strings convert as a user would expect: "42" to an
// integer, "true"/"false"/"yes"/"no" to a boolean, a JSON array or "a,b,c" to a list.
// On failure returns nullopt and sets *why ("expected an integer, got 'abc'").
std::optional<expr::Value> convert_input(model::InputType type, const expr::Value& raw,
                                         std::string* why);
// Checks a converted value against enum and pattern. Returns "" when fine, else the reason.
std::string check_input_constraints(const model::InputSpec& spec, const expr::Value& value);
// Whether `value` matches the whole of `pattern` (RE2). Sets *error for a bad pattern.
bool matches_pattern(const std::string& pattern, const std::string& value, std::string* error);
// Whether a value the input accepts could start with '-' (and so be taken for an option where it
// starts an argument): a string or list input whose enum or pattern allows it (without one,
// check_input_constraints refuses such values), a number whose enum or pattern allows a negative
// one or that has neither. Errs on "could": a pattern is judged by the range its matches lie in.
bool input_may_start_with_dash(const model::InputSpec& spec);

// Resolves every input of `rb` from the values given (-i text, an inputs file, or `with:`):
// converts types, applies defaults, and checks required, enum and pattern. An input neither
// given nor defaulted is null. Each problem is one line naming the input and what to do;
// names that `rb` does not declare are problems too. Returns the inputs when there are none.
// Planning: with `missing_as_unknown`, a required input that was not given is unknown
// (inputs.NAME) instead of a problem, and its name is added there; a given value that is
// unknown (a `with:` only a run can know) is taken as it is.
// `environment` ("K=V"): where an input with `env: VAR` that was not given takes its value from
// (nullptr: nowhere). Then every `required_if` is checked against the resolved inputs.
std::optional<expr::Map> resolve_inputs(const model::Runbook& rb, const expr::Map& given,
                                        std::vector<std::string>* problems,
                                        std::vector<std::string>* missing_as_unknown = nullptr,
                                        const std::vector<std::string>* environment = nullptr);

}  // namespace rb::load
