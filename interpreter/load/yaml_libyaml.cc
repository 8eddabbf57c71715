// The tree of a plain runbook read by libyaml's event parser, which costs about a tenth of
// yaml-cpp's scanner (its regular-expression matcher spends ~1,500 instructions a byte; libyaml
// ~150). It is only a shortcut: it gives up, and yaml-cpp parses the file as before, whenever
// the text or a node is anything whose tree or marks the two parsers might not give alike, and
// on any error (so every message is still yaml-cpp's). What it takes:
// - text of printable ASCII or valid UTF-8, '\n' line breaks, no tabs, no byte order mark,
//   ending with a line break;
// - one implicit document (no '---', '...' or directives);
// - no anchors, aliases or tags (refused anyway, with yaml-cpp's marks), nesting within
//   kMaxYamlDepth;
// - mapping keys that are scalars written as such (no '?' key, no empty or collection key), a
//   flow mapping only as '{...}', no empty node inside a flow collection, no '?' or ':' in a plain
//   scalar inside one.
// Marks are yaml-cpp's: bytes, not characters (libyaml counts characters), and an empty value is
// marked, as yaml-cpp marks it, at the next token rather than just after its ':' or '-'.
// yaml_libyaml_test.cc holds the two parsers to the same tree, every mark, over every YAML file
// in the repository and hand-written cases; fuzz_yaml_split does the same on any bytes.
#include <yaml.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "load/yaml_guard.h"
#include "load/yaml_placement.h"
#include "load/yaml_tree.h"

namespace rb::load::yaml {
namespace {

// Whether the text is of the kind taken (see above): one pass, eight bytes at a time while
// they are printable ASCII.
bool plain_text(std::string_view t) {
  if (t.empty() || t.back() != '\n' || t.size() >= INT32_MAX) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(t.data());
  const size_t n = t.size();
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      // Every byte in 0x20..0x7e: no high bit, none below 0x20, none equal to 0x7f.
      const uint64_t high = w & 0x8080808080808080ull;
      const uint64_t low = (w - 0x2020202020202020ull) & ~w & 0x8080808080808080ull;
      const uint64_t del = ((w ^ 0x7f7f7f7f7f7f7f7full) - 0x0101010101010101ull) &
                           ~(w ^ 0x7f7f7f7f7f7f7f7full) & 0x8080808080808080ull;
      if ((high | low | del) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = p[i];
    if (c == '\n' || (c >= 0x20 && c < 0x7f)) {
      ++i;
      continue;
    }
    if (c < 0x80) return false;  // tab, \r, other control characters
    // A UTF-8 sequence: its length, and each continuation byte; no overlong or surrogate forms,
    // nothing past U+10FFFF, no BOM.
    size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
    if (len == 0 || c > 0xf4 || i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xc0) != 0x80) return false;
    }
    if (c == 0xe0 && p[i + 1] < 0xa0) return false;
    if (c == 0xed && p[i + 1] >= 0xa0) return false;
    if (c == 0xf0 && p[i + 1] < 0x90) return false;
    if (c == 0xf4 && p[i + 1] >= 0x90) return false;
    if (c == 0xef && p[i + 1] == 0xbb && p[i + 2] == 0xbf) return false;
    if (c == 0xc2 && (p[i + 1] < 0xa0 || p[i + 1] == 0x85)) return false;  // C1 controls, NEL
    if (c == 0xe2 && p[i + 1] == 0x80 && (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) {
      return false;  // line and paragraph separators: libyaml breaks lines there
    }
    i += len;
  }
  return true;
}

// libyaml's marks count characters; yaml-cpp's count bytes. Walks the text from the last place
// asked for (node marks come in document order, so mostly forward and never far back).
class Marks {
 public:
  explicit Marks(std::string_view t) : t_(t) {}

  // The byte offset of the character at `index`; the line from libyaml is right as it is.
  int32_t byte(size_t index) {
    while (chars_ > index && bytes_ > 0) {  // back, over a character's continuation bytes
      do {
        --bytes_;
      } while (bytes_ > 0 && (static_cast<unsigned char>(t_[bytes_]) & 0xc0) == 0x80);
      --chars_;
    }
    while (chars_ < index && bytes_ < t_.size()) {
      const auto c = static_cast<unsigned char>(t_[bytes_]);
      bytes_ += c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      ++chars_;
    }
    return static_cast<int32_t>(bytes_);
  }
  // The column, in bytes, of the byte at `pos`.
  int32_t column(int32_t pos) const {
    const size_t nl = t_.rfind('\n', pos == 0 ? 0 : static_cast<size_t>(pos) - 1);
    if (pos == 0 || nl == std::string_view::npos) return pos;
    return pos - static_cast<int32_t>(nl) - 1;
  }

 private:
  std::string_view t_;
  size_t chars_ = 0, bytes_ = 0;
};

}  // namespace

struct FastParse {
  struct Open {
    uint32_t index;
    size_t pending_from;
  };

  std::string_view text;
  Tree& tree;
  Placement at;
  Marks marks{text};
  std::vector<uint32_t> at_end;  // empty values marked at the end of the text
  std::vector<Open> open;
  std::vector<uint32_t> pending;
  int flow = 0;  // flow collections open
  bool has_root = false;
  bool odd_end = false;  // an empty node at the end that is neither an item nor a value

  FastParse(std::string_view t, Tree& tr, const Placement& a) : text(t), tree(tr), at(a) {}

  bool in_map_key_position() const {
    return !open.empty() && tree.nodes_[open.back().index].type == Type::kMap &&
           (pending.size() - open.back().pending_from) % 2 == 0;
  }

  uint32_t add(Type type, uint8_t tag, int32_t line, int32_t column, int32_t pos) {
    const auto index = static_cast<uint32_t>(tree.nodes_.size());
    Tree::Data d;
    d.type = type;
    d.tag = tag;
    d.line = line;
    d.column = column;
    d.pos = pos;
    at.place(d.line, d.pos);
    tree.nodes_.push_back(d);
    if (open.empty()) {
      tree.root_ = index;
      has_root = true;
    } else {
      pending.push_back(index);
    }
    return index;
  }
  uint32_t add_at(Type type, uint8_t tag, const yaml_mark_t& m) {
    const int32_t pos = marks.byte(m.index);
    return add(type, tag, static_cast<int32_t>(m.line), marks.column(pos), pos);
  }

  // An empty node: yaml-cpp marks it at the next token, past spaces, line breaks and comments
  // from where libyaml marks it (just past its ':' or '-').
  uint32_t add_empty(const yaml_mark_t& m) {
    size_t k = static_cast<size_t>(marks.byte(m.index));
    auto line = static_cast<int32_t>(m.line);
    while (k < text.size()) {
      const char c = text[k];
      if (c == ' ') {
        ++k;
      } else if (c == '\n') {
        ++k;
        ++line;
      } else if (c == '#' && (k == 0 || text[k - 1] == ' ' || text[k - 1] == '\n')) {
        k = text.find('\n', k);
        if (k == std::string_view::npos) k = text.size();
      } else {
        break;
      }
    }
    const auto pos = static_cast<int32_t>(k);
    const bool item_or_value =
        !open.empty() &&
        (tree.nodes_[open.back().index].type == Type::kSequence || !in_map_key_position());
    const uint32_t index = add(Type::kNull, 0, line, marks.column(pos), pos);
    // At the end of a piece: the next piece's token (Pieces::join marks it so).
    if (pos >= at.length) {
      if (!item_or_value) odd_end = true;
      at_end.push_back(index);
    }
    return index;
  }

  bool open_collection(Type type, const yaml_mark_t& m, bool is_flow) {
    if (at.depth + static_cast<int>(open.size()) + 1 > kMaxYamlDepth) return false;
    if (in_map_key_position()) return false;  // a collection as a key
    if (is_flow) {
      const auto pos = static_cast<size_t>(marks.byte(m.index));  // in this text
      if (pos >= text.size() || text[pos] != (type == Type::kMap ? '{' : '[')) return false;
      ++flow;
    }
    const uint32_t index = add_at(type, 1, m);
    tree.nodes_[index].flow = is_flow;
    open.push_back(Open{index, pending.size()});
    return true;
  }

  void close_collection() {
    Open o = open.back();
    open.pop_back();
    Tree::Data& d = tree.nodes_[o.index];
    if (d.flow) --flow;
    d.first = static_cast<uint32_t>(tree.children_.size());
    d.count = static_cast<uint32_t>(pending.size() - o.pending_from);
    tree.children_.insert(tree.children_.end(), pending.begin() + o.pending_from, pending.end());
    pending.resize(o.pending_from);
  }

  bool scalar(const yaml_event_t& e) {
    const auto& s = e.data.scalar;
    if (s.anchor != nullptr || s.tag != nullptr) return false;
    const bool key = in_map_key_position();
    const std::string_view value(reinterpret_cast<const char*>(s.value), s.length);
    const bool plain = s.style == YAML_PLAIN_SCALAR_STYLE;
    if (plain && value.empty() && e.start_mark.index == e.end_mark.index) {
      if (key || flow > 0) return false;  // an empty key; an empty node in [..] or {..}
      add_empty(e.start_mark);
      return true;
    }
    const int32_t from = marks.byte(e.start_mark.index);
    if (key) {
      // A key written after '?' (an explicit key): yaml-cpp's and libyaml's marks may differ.
      auto k = static_cast<size_t>(from);
      while (k > 0 && text[k - 1] == ' ') --k;
      if (k > 0 && text[k - 1] == '?') return false;
    }
    // The scalar as written (after `from`, so the marks walk on forward).
    auto written = [&] {
      const auto to = static_cast<size_t>(marks.byte(e.end_mark.index));
      return text.substr(static_cast<size_t>(from), to - static_cast<size_t>(from));
    };
    if (plain && flow > 0) {
      // In [..] and {..}, yaml-cpp ends a plain scalar at '?' (libyaml reads "a?b" whole),
      // and the two read ':' inside one differently.
      if (written().find_first_of("?:") != std::string_view::npos) return false;
    }
    if (s.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
      // yaml-cpp writes the escapes \N, \_, \L and \P (U+0085, U+00A0, U+2028, U+2029) as
      // other bytes than libyaml does.
      const std::string_view w = written();
      for (size_t i = w.find('\\'); i != std::string_view::npos && i + 1 < w.size();
           i = w.find('\\', i + 2)) {
        const char c = w[i + 1];
        if (c == 'N' || c == '_' || c == 'L' || c == 'P') return false;
      }
    }
    const auto line = static_cast<int32_t>(e.start_mark.line);
    if (plain && (value == "~" || value == "null" || value == "Null" || value == "NULL")) {
      if (key) return false;
      add(Type::kNull, 0, line, marks.column(from), from);
      return true;
    }
    const uint32_t index = add(Type::kScalar, plain ? 1 : 2, line, marks.column(from), from);
    tree.nodes_[index].first = static_cast<uint32_t>(tree.scalars_.size());
    tree.scalars_.emplace_back(value);
    return true;
  }

  // One event; false: give up (to yaml-cpp).
  bool event(const yaml_event_t& e, int& documents, bool& done) {
    switch (e.type) {
      case YAML_STREAM_START_EVENT:
        return true;
      case YAML_STREAM_END_EVENT:
        done = true;
        return true;
      case YAML_DOCUMENT_START_EVENT: {
        const auto& d = e.data.document_start;
        return ++documents == 1 && d.implicit != 0 && d.version_directive == nullptr &&
               d.tag_directives.start == d.tag_directives.end;
      }
      case YAML_DOCUMENT_END_EVENT:
        return e.data.document_end.implicit != 0;
      case YAML_ALIAS_EVENT:
        return false;
      case YAML_SCALAR_EVENT:
        return scalar(e);
      case YAML_SEQUENCE_START_EVENT:
        if (e.data.sequence_start.anchor != nullptr || e.data.sequence_start.tag != nullptr) {
          return false;
        }
        return open_collection(Type::kSequence, e.start_mark,
                               e.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE);
      case YAML_MAPPING_START_EVENT:
        if (e.data.mapping_start.anchor != nullptr || e.data.mapping_start.tag != nullptr) {
          return false;
        }
        return open_collection(Type::kMap, e.start_mark,
                               e.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE);
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        if (open.empty()) return false;
        close_collection();
        return true;
      default:
        return false;
    }
  }

  static bool parse(Tree& tree, std::string_view text, const Placement& at,
                    std::vector<uint32_t>* at_end) {
    if (!plain_text(text)) return false;
    FastParse f(text, tree, at);
    yaml_parser_t parser;
    if (yaml_parser_initialize(&parser) == 0) return false;
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    bool ok = true, done = false;
    int documents = 0;
    while (ok && !done) {
      yaml_event_t e;
      if (yaml_parser_parse(&parser, &e) == 0) {
        ok = false;
        break;
      }
      ok = f.event(e, documents, done);
      yaml_event_delete(&e);
    }
    yaml_parser_delete(&parser);
    if (!ok || !f.open.empty() || !f.has_root || f.odd_end) return false;
    if (at_end != nullptr) *at_end = std::move(f.at_end);
    tree.libyaml_ = true;
    return true;
  }
};

bool parse_piece_with_libyaml(Tree& tree, std::string_view text, const Placement& at,
                              std::vector<uint32_t>* at_end) {
  return FastParse::parse(tree, text, at, at_end);
}

}  // namespace rb::load::yaml
