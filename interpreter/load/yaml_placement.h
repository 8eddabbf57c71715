#pragma once
// Where a piece of a file sits in the whole, for its marks (yaml_tree.cc's split parse), and
// the libyaml parse of a piece (yaml_libyaml.cc). Private to the loader.
#include <climits>
#include <cstdint>
#include <string_view>
#include <vector>

namespace rb::load::yaml {

class Tree;

// A piece's line 0 is the whole's line `line`. The skeleton (the file without its steps) has a
// hole: marks at or past `hole_at` in the skeleton's text move by the lines and bytes taken out.
struct Placement {
  int32_t line = 0;
  int32_t pos = 0;
  int32_t hole_at = INT32_MAX;
  int32_t hole_lines = 0;
  int32_t hole_bytes = 0;
  int depth = 0;               // collections open around the piece in the whole file
  int32_t length = INT32_MAX;  // the piece's length

  // A mark in the piece's text (line and byte, 0-based), moved to its place in the whole file.
  void place(int32_t& mark_line, int32_t& mark_pos) const {
    if (mark_pos >= hole_at) {
      mark_line += hole_lines;
      mark_pos += hole_bytes;
    }
    mark_line += line;
    mark_pos += pos;
  }
};

// Parses `text` (the whole file, or a piece of it placed by `at`) with libyaml into `tree`, when
// the text and every node are of the kind it takes; false otherwise, or on any error. For a
// piece of the list of steps, `at_end` gets the empty values marked at the piece's end.
bool parse_piece_with_libyaml(Tree& tree, std::string_view text, const Placement& at,
                              std::vector<uint32_t>* at_end);

}  // namespace rb::load::yaml
