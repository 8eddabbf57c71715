#include "base/source_file.h"

#include <algorithm>
#include <cstring>

namespace rb {

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  // memchr finds each newline many bytes at a time.
  const char* const begin = text_.data();
  const char* const end = begin + text_.size();
  for (const char* p = begin; p < end;) {
    const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
    if (nl == nullptr) break;
    const size_t next = static_cast<size_t>(static_cast<const char*>(nl) - begin) + 1;
    if (next < text_.size()) line_starts_.push_back(next);
    p = begin + next;
  }
}

std::string_view SourceFile::line(int number) const {
  if (number < 1 || number > line_count()) return {};
  size_t begin = line_starts_[number - 1];
  size_t end = text_.find('\n', begin);
  if (end == std::string::npos) end = text_.size();
  if (end > begin && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(begin, end - begin);
}

size_t SourceFile::offset_of(int line, int column) const {
  if (line < 1) return 0;
  if (line > line_count()) return text_.size();
  size_t at = line_starts_[line - 1] + static_cast<size_t>(column > 0 ? column - 1 : 0);
  return at < text_.size() ? at : text_.size();
}

std::pair<int, int> SourceFile::line_column(size_t offset) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  int line = static_cast<int>(it - line_starts_.begin());
  if (line < 1) line = 1;
  return {line, static_cast<int>(offset - line_starts_[line - 1]) + 1};
}

}  // namespace rb
