#pragma once
// A runbook file's text held in memory, so diagnostics can quote the offending line.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rb {

class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  // 1-based line number; empty view when out of range. No trailing newline.
  std::string_view line(int number) const;
  int line_count() const { return static_cast<int>(line_starts_.size()); }
  // Byte offset of a 1-based line and column (clamped to the text).
  size_t offset_of(int line, int column) const;
  // 1-based line and column of a byte offset.
  std::pair<int, int> line_column(size_t offset) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<size_t> line_starts_;
};

using SourceFilePtr = std::shared_ptr<const SourceFile>;

}  // namespace rb
