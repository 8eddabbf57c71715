#include "expr/scope.h"

namespace rb::expr {

const Value* MapScope::lookup(std::string_view name) const {
  auto it = names_.find(name);
  if (it != names_.end()) return &it->second;
  return parent_ ? parent_->lookup(name) : nullptr;
}

}  // namespace rb::expr
