#include "command/command_env.h"

namespace rb::command {

expr::Map env_map(const std::vector<std::string>& env) {
  expr::Map m;
  for (const std::string& kv : env) {
    size_t eq = kv.find('=');
    if (eq != std::string::npos) m[kv.substr(0, eq)] = expr::Value(kv.substr(eq + 1));
  }
  return m;
}

void put_env(std::vector<std::string>& env, const std::string& name, const std::string& value) {
  const std::string prefix = name + "=";
  for (std::string& kv : env) {
    if (kv.compare(0, prefix.size(), prefix) == 0) {
      kv = prefix + value;
      return;
    }
  }
  env.push_back(prefix + value);
}

}  // namespace rb::command
