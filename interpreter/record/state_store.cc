#include "record/state_store.h"

namespace rb::record {

// pg_store.cc
std::unique_ptr<StateStore> open_database_store(const std::string& url, std::string* error);

bool is_database_url(const std::string& spec) {
  return spec.rfind("postgresql://", 0) == 0 || spec.rfind("postgres://", 0) == 0;
}

std::unique_ptr<StateStore> open_state_store(const std::string& spec, std::string* error) {
  if (is_database_url(spec)) return open_database_store(spec, error);
  return open_folder_store(spec);
}

}  // namespace rb::record
