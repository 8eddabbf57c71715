#pragma once
// A C library loaded with dlopen when a command first needs it, not linked: libpq for a
// PostgreSQL state, graphviz for a report's graph. Linking them would load their libraries into
// every `runbook` command at start. The callers keep a table of function pointers, typed from
// the library's own headers, and bind each by name.
#include <dlfcn.h>

#include <string>
#include <type_traits>

namespace rb {

class SharedLibrary {
 public:
  // Opens `soname` (kept open for the life of the process); `not_installed` is the error when
  // it cannot be opened.
  SharedLibrary(const char* soname, std::string not_installed)
      : handle_(::dlopen(soname, RTLD_NOW | RTLD_LOCAL)) {
    if (handle_ == nullptr) error_ = std::move(not_installed);
  }

  // Sets `fn` to the library's function `name`; a missing one makes the library unusable with
  // `too_old` as the error (see usable()).
  template <class Fn>
  void bind(Fn& fn, const char* name) {
    static_assert(std::is_pointer_v<Fn>);
    fn = handle_ == nullptr ? nullptr : reinterpret_cast<Fn>(::dlsym(handle_, name));
    if (fn == nullptr) missing_ = true;
  }

  // Whether it opened and every bound function was found; otherwise *error says why (`too_old`
  // when a function was missing).
  bool usable(const std::string& too_old, std::string* error) const {
    if (handle_ != nullptr && !missing_) return true;
    *error = handle_ == nullptr ? error_ : too_old;
    return false;
  }

 private:
  void* handle_;
  bool missing_ = false;
  std::string error_;
};

}  // namespace rb
