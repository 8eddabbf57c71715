#include "base/identity.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace rb {

std::string current_user() {
  if (const char* u = std::getenv("USER"); u != nullptr && *u != '\0') return u;
  if (const passwd* pw = getpwuid(geteuid()); pw != nullptr) return pw->pw_name;
  return "uid " + std::to_string(geteuid());
}

std::string host_name() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

}  // namespace rb
