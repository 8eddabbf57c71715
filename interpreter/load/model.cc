#include "load/model.h"

namespace rb::model {

const char* input_type_name(InputType t) {
  switch (t) {
    case InputType::kString:
      return "string";
    case InputType::kInteger:
      return "integer";
    case InputType::kNumber:
      return "number";
    case InputType::kBoolean:
      return "boolean";
    case InputType::kList:
      return "list";
  }
  return "string";
}

const char* capture_name(Capture c) {
  switch (c) {
    case Capture::kText:
      return "text";
    case Capture::kJson:
      return "json";
    case Capture::kLines:
      return "lines";
  }
  return "text";
}

long long FailureBudget::allowed(size_t items) const {
  if (!percent) return count;
  return static_cast<long long>(items) * *percent / 100;
}

const InputSpec* Runbook::find_input(std::string_view n) const {
  for (const InputSpec& i : inputs) {
    if (i.name == n) return &i;
  }
  return nullptr;
}

}  // namespace rb::model
