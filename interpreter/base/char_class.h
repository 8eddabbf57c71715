#pragma once
// ASCII character classes shared by the lexers (expressions, shell scripts). Locale-free on
// purpose: <cctype> depends on the locale and takes int.
namespace rb {

inline bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_name_char(char c) {
  return is_name_start(c) || is_digit(c);
}

}  // namespace rb
