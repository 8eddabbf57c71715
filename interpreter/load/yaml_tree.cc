#include "load/yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <climits>
#include <optional>
#include <streambuf>
#include <thread>

#include "load/yaml_guard.h"
#include "load/yaml_placement.h"

namespace rb::load::yaml {
namespace {

const std::string kEmpty;
const std::string kTagNames[] = {"", "?", "!", "tag:yaml.org,2002:str"};

// Thrown from the event handler to stop the parse at the first refused feature.
struct Refused {
  YAML::Mark mark;
  std::string message;
  std::string hint;
};

Location where(const SourceFile& file, const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0 || mark.column < 0) return Location{&file, 1, 1};
  return Location{&file, mark.line + 1, mark.column + 1};
}

// A stream over text held elsewhere: the parser reads the file's own bytes, not a copy.
class ViewBuffer : public std::streambuf {
 public:
  explicit ViewBuffer(std::string_view text) {
    char* p = const_cast<char*>(text.data());  // only read: a get area is non-const by type
    setg(p, p, p + text.size());
  }
};

}  // namespace

// Builds the tree from the parser's events, refusing the features a runbook never needs.
class Builder : public YAML::EventHandler {
 public:
  Builder(Tree& tree, std::string_view what, const Placement& at = {})
      : tree_(tree), what_(what), at_(at) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1) {
      throw Refused{mark, "a second YAML document in " + what_,
                    "a file holds one document: remove the '---' or '...' line and what "
                    "follows, or move it to a file of its own"};
    }
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    check(mark, "", anchor);
    // Is it a mapping's value (its key just added), or a list's item?
    const bool value = !open_.empty() && tree_.nodes_[open_.back().index].type == Type::kMap &&
                       (pending_.size() - open_.back().pending_from) % 2 == 1;
    const uint32_t key = value ? pending_.back() : UINT32_MAX;
    const bool item = !open_.empty() && tree_.nodes_[open_.back().index].type == Type::kSequence;
    const uint32_t index = add(Type::kNull, 0, mark);
    // An empty value's mark is the next token's: past a piece's end, the next piece's.
    if (mark.pos >= at_.length) {
      at_end_.push_back(index);
      if (!value && !item) odd_end_ = true;
    }
    // A value marked where its key is: the key had no ':' ("    text" alone in a mapping).
    // yaml-cpp takes that at the end of the text, where one parse reads on and fails at the
    // next ':', perhaps in the next piece.
    if (value && tree_.nodes_[key].line == tree_.nodes_[index].line &&
        tree_.nodes_[key].column == tree_.nodes_[index].column) {
      dangling_key_ = true;
    }
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    throw Refused{mark, "YAML aliases ('*name') are not allowed in " + what_,
                  "write the value out where it is used (a value starting with '*' needs "
                  "quotes)"};
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    uint8_t t = check(mark, tag, anchor);
    uint32_t index = add(Type::kScalar, t, mark);
    tree_.nodes_[index].first = static_cast<uint32_t>(tree_.scalars_.size());
    tree_.scalars_.push_back(value);
    if (t == 3) tagged_ = true;
    if (t == 2 && mark.pos >= 0) last_quoted_ = std::max(last_quoted_, mark.pos);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    open(Type::kSequence, mark, tag, anchor, style);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    open(Type::kMap, mark, tag, anchor, style);
  }
  void OnMapEnd() override { close(); }

  bool has_root() const { return has_root_; }
  // Where the last scalar written in quotes or as a block (| or >) starts, in the parsed text;
  // -1: none. Whether a scalar was tagged (the tag's mark comes first).
  int32_t last_quoted() const { return last_quoted_; }
  bool tagged() const { return tagged_; }
  // The empty values (nulls) marked at the end of the parsed text.
  const std::vector<uint32_t>& at_end() const { return at_end_; }
  // Whether an empty node at the end was neither a mapping's value nor a list's item; whether
  // a key without ':' was read (see OnNull).
  bool odd_end() const { return odd_end_; }
  bool dangling_key() const { return dangling_key_; }

 private:
  struct Open {
    uint32_t index;
    size_t pending_from;  // where its children start in pending_
  };

  uint32_t add(Type type, uint8_t tag, const YAML::Mark& mark) {
    const auto index = static_cast<uint32_t>(tree_.nodes_.size());
    Tree::Data d;
    d.type = type;
    d.tag = tag;
    d.line = mark.line;
    d.column = mark.column;
    d.pos = mark.pos;
    if (mark.line >= 0) at_.place(d.line, d.pos);
    tree_.nodes_.push_back(d);
    if (open_.empty()) {
      if (!has_root_) tree_.root_ = index;
      has_root_ = true;
    } else {
      pending_.push_back(index);
    }
    return index;
  }
  void open(Type type, const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
            YAML::EmitterStyle::value style) {
    uint8_t t = check(mark, tag, anchor);
    if (at_.depth + static_cast<int>(open_.size()) + 1 > kMaxYamlDepth) {
      throw Refused{
          mark, "the YAML is nested more than " + std::to_string(kMaxYamlDepth) + " levels deep",
          "a runbook is a shallow file; is this the right file?"};
    }
    uint32_t index = add(type, t, mark);
    tree_.nodes_[index].flow = style == YAML::EmitterStyle::Flow;
    open_.push_back(Open{index, pending_.size()});
  }
  // A collection's children, collected while it was open, become one slice of children_.
  void close() {
    Open o = open_.back();
    open_.pop_back();
    Tree::Data& d = tree_.nodes_[o.index];
    d.first = static_cast<uint32_t>(tree_.children_.size());
    d.count = static_cast<uint32_t>(pending_.size() - o.pending_from);
    tree_.children_.insert(tree_.children_.end(), pending_.begin() + o.pending_from,
                           pending_.end());
    pending_.resize(o.pending_from);
  }
  uint8_t check(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) {
      throw Refused{mark, "YAML anchors ('&name') are not allowed in " + what_,
                    "write the value out where it is used (a value starting with '&' needs "
                    "quotes)"};
    }
    // "?" is a plain node and "!" a quoted scalar: no tag was written. `!!str` is harmless.
    for (uint8_t i = 0; i < 4; ++i) {
      if (tag == kTagNames[i]) return i;
    }
    std::string shown = tag.rfind("tag:yaml.org,2002:", 0) == 0 ? "!!" + tag.substr(18) : tag;
    throw Refused{mark, "YAML tag '" + shown + "' is not allowed in " + what_,
                  "runbook values are plain text, numbers, lists and mappings; remove the "
                  "tag, or quote the value if the '!' is part of the text"};
  }

  Tree& tree_;
  std::string what_;
  Placement at_;
  int32_t last_quoted_ = -1;
  bool tagged_ = false;
  std::vector<uint32_t> at_end_;
  bool odd_end_ = false;
  bool dangling_key_ = false;
  int documents_ = 0;
  bool has_root_ = false;
  std::vector<Open> open_;
  std::vector<uint32_t> pending_;
};

// A long runbook is mostly its `steps:` list, and yaml-cpp's scanner costs ~1,500 instructions
// a byte (half of `validate`'s time on 20,000 steps). So the list's items are parsed in pieces
// on several threads, and the rest of the file (the skeleton: the file without the items) on
// the calling one; the pieces' items become the children of `steps`.
//
// Why that is the tree one parse gives. The items are found by their lines alone: `steps:` at
// column 0 with nothing after it but a comment, then lines each starting a new item at the
// first item's column n (`- ` there), up to the first line that is neither blank, a comment,
// more indented than n, nor such an item. A piece starts at an item line. One parse reads that
// line as a new item of `steps` unless the line is inside something begun before it:
// - a block scalar, or a plain scalar's continuation: both must be more indented than the
//   collection holding them, which is at column n or deeper, so no;
// - a quoted scalar or a flow collection ([..], {..}) left open: then the piece before it ends
//   inside it, and yaml-cpp refuses that ("illegal EOF in scalar", "end of sequence flow not
//   found").
// And the skeleton is read as the whole file is only if its `steps` is the key on that line
// with nothing as its value, in the root mapping written in block style (else the `steps:` line
// was inside a multi-line scalar or a flow collection). Each piece must be one block list whose
// mark is its first line's `-`. Whenever any of this does not hold, or any piece fails (a
// syntax error, a refused feature), the file is parsed again in one piece, so the tree and
// every message are those of one parse. tests/unit/load/yaml_split_test.cc holds both parses
// to the same tree over every YAML file in the repository and over the cases above.
struct Pieces {
  struct Cut {
    size_t offset;
    int32_t line;
  };
  struct Split {
    int32_t key_line = 0;  // the `steps:` line
    size_t indent = 0;     // the items' column
    size_t begin = 0, end = 0;
    int32_t begin_line = 0, end_line = 0;
    std::vector<Cut> cuts;  // where each piece starts; the first is `begin`
  };

  static bool steps_key(std::string_view l) {
    if (l.substr(0, 6) != "steps:") return false;
    l.remove_prefix(6);
    if (l.empty()) return true;
    if (l[0] != ' ') return false;
    const size_t c = l.find_first_not_of(' ');
    return c == std::string_view::npos || l[c] == '#';
  }

  static std::optional<Split> find(std::string_view t, size_t min_bytes, int pieces) {
    if (pieces < 2 || t.size() < min_bytes || t.size() >= INT32_MAX) return std::nullopt;
    if (t.find('\r') != std::string_view::npos) return std::nullopt;  // \r breaks lines too
    if (t.substr(0, 3) == "\xef\xbb\xbf") return std::nullopt;        // marks would not count it
    Split s;
    size_t at = 0;
    int32_t line = 0;
    std::string_view l;
    auto next_line = [&] {  // l = the line at `at`; false at the end
      if (at >= t.size()) return false;
      size_t e = t.find('\n', at);
      if (e == std::string_view::npos) e = t.size();
      l = t.substr(at, e - at);
      return true;
    };
    auto advance = [&] {
      at += l.size() + 1;
      ++line;
    };
    bool found = false;
    for (; next_line(); advance()) {
      if (steps_key(l)) {
        s.key_line = line;
        found = true;
        advance();
        break;
      }
    }
    if (!found) return std::nullopt;
    // The first line that is not blank or a comment must be the first item.
    for (; next_line(); advance()) {
      const size_t c = l.find_first_not_of(' ');
      if (c == std::string_view::npos || l[c] == '#') continue;
      if (l[c] != '-' || (c + 1 < l.size() && l[c + 1] != ' ')) return std::nullopt;
      s.indent = c;
      s.begin = at;
      s.begin_line = line;
      break;
    }
    if (s.begin == 0) return std::nullopt;
    std::vector<Cut> items;
    for (; next_line(); advance()) {
      const size_t c = l.find_first_not_of(' ');
      if (c == std::string_view::npos || l[c] == '#' || c > s.indent) continue;
      if (c < s.indent || l[c] != '-' || (c + 1 < l.size() && l[c + 1] != ' ')) break;
      items.push_back(Cut{at, line});
    }
    s.end = std::min(at, t.size());
    s.end_line = line;
    if (s.end == t.size() && t.back() != '\n') return std::nullopt;  // EOF marks: one parse
    if (s.end - s.begin < min_bytes) return std::nullopt;
    // Pieces of about equal size, each starting at an item.
    for (int k = 0; k < pieces; ++k) {
      const size_t target = s.begin + (s.end - s.begin) * k / pieces;
      auto it = std::lower_bound(items.begin(), items.end(), target,
                                 [](const Cut& c, size_t off) { return c.offset < off; });
      if (it == items.end()) break;
      if (s.cuts.empty() || it->offset > s.cuts.back().offset) s.cuts.push_back(*it);
    }
    if (s.cuts.size() < 2) return std::nullopt;
    return s;
  }

  // Whether a quoted scalar starting at `from` (its quote) ends before the end of `text`. yaml-cpp
  // takes the end of the text as the end of a quoted scalar open across a line break, so a piece
  // cut inside one would parse; the closing quote is found as YAML defines it (after a
  // backslash in "..." a character is escaped; in '...', '' is a quote).
  static bool closed(std::string_view text, int32_t from) {
    if (from < 0) return true;
    const auto at = static_cast<size_t>(from);
    if (at >= text.size()) return false;
    if (text[at] != '"' && text[at] != '\'') return true;  // a block scalar: ended by indentation
    return quote_end(text, at) != std::string_view::npos;
  }
  // Just past the quoted scalar whose opening quote is at `at`; npos: not closed in `text`.
  static size_t quote_end(std::string_view text, size_t at) {
    const char quote = text[at];
    for (size_t i = at + 1; i < text.size(); ++i) {
      if (quote == '"' && text[i] == '\\') {
        ++i;
      } else if (text[i] == quote) {
        if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
          ++i;
        } else {
          return i + 1;
        }
      }
    }
    return std::string_view::npos;
  }

  // One parse of `text` as a part of the whole file placed by `at`; false on any failure.
  static bool parse_piece(Tree& tree, std::string_view text, std::string_view what,
                          const Placement& at, std::vector<uint32_t>* at_end = nullptr,
                          bool libyaml = false) noexcept {
    if (libyaml) return parse_piece_with_libyaml(tree, text, at, at_end);
    try {
      ViewBuffer buffer(text);
      std::istream in(&buffer);
      YAML::Parser parser(in);
      Builder builder(tree, what, at);
      while (parser.HandleNextDocument(builder)) {
      }
      if (builder.tagged()) return false;  // its mark is the tag's, not the quote's
      if (at_end != nullptr) {             // a piece of the list
        if (builder.odd_end() || builder.dangling_key()) return false;
        *at_end = builder.at_end();
      }
      return builder.has_root() && closed(text, builder.last_quoted());
    } catch (...) {
      return false;
    }
  }

  // The skeleton with the pieces' items as its `steps`; null when they are not what one parse
  // would give (see above).
  static std::unique_ptr<Tree> join(std::unique_ptr<Tree> skeleton,
                                    std::vector<std::unique_ptr<Tree>>& parts,
                                    const std::vector<std::vector<uint32_t>>& at_end,
                                    const Split& s) {
    Tree& t = *skeleton;
    const Tree::Data& root = t.nodes_[t.root_];
    if (root.type != Type::kMap || root.flow) return nullptr;
    int64_t value = -1;
    for (uint32_t i = 0; i + 1 < root.count; i += 2) {
      const Tree::Data& k = t.nodes_[t.children_[root.first + i]];
      if (k.type == Type::kScalar && k.tag == 1 && k.line == s.key_line && k.column == 0 &&
          t.scalars_[k.first] == "steps") {
        value = t.children_[root.first + i + 1];
      }
    }
    if (value < 0 || t.nodes_[value].type != Type::kNull) return nullptr;
    // An empty value at a piece's end is marked, as one parse marks it, at the next token: the
    // next piece's first '-', or what follows the list (the skeleton's `steps` value's mark).
    const Tree::Data after = t.nodes_[value];
    for (size_t p = 0; p < parts.size(); ++p) {
      for (uint32_t i : at_end[p]) {
        Tree::Data& d = parts[p]->nodes_[i];
        if (p + 1 < parts.size()) {
          d.line = s.cuts[p + 1].line;
          d.column = static_cast<int32_t>(s.indent);
          d.pos = static_cast<int32_t>(s.cuts[p + 1].offset + s.indent);
        } else {
          d.line = after.line;
          d.column = after.column;
          d.pos = after.pos;
        }
      }
    }
    for (size_t p = 0; p < parts.size(); ++p) {
      const Tree::Data& r = parts[p]->nodes_[parts[p]->root_];
      if (r.type != Type::kSequence || r.flow || r.count == 0 || r.line != s.cuts[p].line ||
          r.column != static_cast<int32_t>(s.indent)) {
        return nullptr;
      }
    }
    size_t nodes = t.nodes_.size(), children = t.children_.size(), scalars = t.scalars_.size();
    for (const auto& part : parts) {
      nodes += part->nodes_.size();
      children += part->children_.size() * 2;  // and again as the list's items, at most
      scalars += part->scalars_.size();
    }
    t.nodes_.reserve(nodes);
    t.children_.reserve(children);
    t.scalars_.reserve(scalars);
    std::vector<uint32_t> items;
    for (auto& part : parts) {
      const auto node_base = static_cast<uint32_t>(t.nodes_.size());
      const auto child_base = static_cast<uint32_t>(t.children_.size());
      const auto scalar_base = static_cast<uint32_t>(t.scalars_.size());
      for (Tree::Data d : part->nodes_) {
        if (d.type == Type::kScalar) d.first += scalar_base;
        if (d.type == Type::kSequence || d.type == Type::kMap) d.first += child_base;
        t.nodes_.push_back(d);
      }
      for (uint32_t c : part->children_) t.children_.push_back(c + node_base);
      for (std::string& v : part->scalars_) t.scalars_.push_back(std::move(v));
      const Tree::Data& r = part->nodes_[part->root_];
      for (uint32_t i = 0; i < r.count; ++i)
        items.push_back(part->children_[r.first + i] + node_base);
      part.reset();
    }
    Tree::Data list;
    list.type = Type::kSequence;
    list.tag = 1;
    list.first = static_cast<uint32_t>(t.children_.size());
    list.count = static_cast<uint32_t>(items.size());
    list.line = s.cuts[0].line;
    list.column = static_cast<int32_t>(s.indent);
    list.pos = static_cast<int32_t>(s.cuts[0].offset + s.indent);
    t.children_.insert(t.children_.end(), items.begin(), items.end());
    t.nodes_[value] = list;
    t.pieces_ = static_cast<int>(parts.size());
    return skeleton;
  }

  static std::unique_ptr<Tree> parse(std::string_view text, std::string_view what,
                                     const SplitOptions& options, bool libyaml) {
    int pieces = options.pieces;
    if (pieces <= 0) pieces = static_cast<int>(std::min(8u, std::thread::hardware_concurrency()));
    std::optional<Split> s = find(text, options.min_bytes, pieces);
    if (!s) return nullptr;
    const size_t n = s->cuts.size();
    std::vector<std::unique_ptr<Tree>> parts(n);
    std::vector<char> ok(n, 0);
    std::vector<std::vector<uint32_t>> at_end(n);
    auto parse_part = [&](size_t p) {
      parts[p] = std::make_unique<Tree>();
      const size_t from = s->cuts[p].offset;
      const size_t to = p + 1 < n ? s->cuts[p + 1].offset : s->end;
      Placement at;
      at.line = s->cuts[p].line;
      at.pos = static_cast<int32_t>(from);
      at.depth = 1;  // inside the root mapping
      at.length = static_cast<int32_t>(to - from);
      ok[p] = parse_piece(*parts[p], text.substr(from, to - from), what, at, &at_end[p], libyaml);
    };
    std::vector<std::thread> threads;
    for (size_t p = 1; p < n; ++p) {
      try {
        threads.emplace_back(parse_part, p);
      } catch (const std::system_error&) {
        parse_part(p);  // no thread to be had: here, in turn
      }
    }
    std::string skeleton_text;
    skeleton_text.reserve(text.size() - (s->end - s->begin));
    skeleton_text.append(text.substr(0, s->begin));
    skeleton_text.append(text.substr(s->end));
    auto skeleton = std::make_unique<Tree>();
    Placement hole;
    hole.hole_at = static_cast<int32_t>(s->begin);
    hole.hole_lines = s->end_line - s->begin_line;
    hole.hole_bytes = static_cast<int32_t>(s->end - s->begin);
    const bool skeleton_ok = parse_piece(*skeleton, skeleton_text, what, hole, nullptr, libyaml);
    parse_part(0);
    for (std::thread& th : threads) th.join();
    if (!skeleton_ok || std::count(ok.begin(), ok.end(), 0) > 0) return nullptr;
    return join(std::move(skeleton), parts, at_end, *s);
  }
};

std::unique_ptr<Tree> Tree::parse(const SourceFile& file, std::string_view what, Diagnostics& diags,
                                  const SplitOptions& split) {
  // libyaml first, in pieces then whole; then yaml-cpp, in pieces then whole, which words every
  // error.
  if (split.libyaml) {
    if (auto tree = Pieces::parse(file.text(), what, split, true)) return tree;
    auto tree = std::make_unique<Tree>();
    if (parse_piece_with_libyaml(*tree, file.text(), Placement{}, nullptr)) return tree;
  }
  if (auto tree = Pieces::parse(file.text(), what, split, false)) return tree;
  auto tree = std::make_unique<Tree>();
  ViewBuffer buffer(file.text());
  std::istream in(&buffer);
  YAML::Parser parser(in);
  Builder builder(*tree, what);
  try {
    // Anything after the first document is a second one (after `---`, or text after `...`).
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const Refused& r) {
    diags.error(where(file, r.mark), r.message, r.hint);
    return nullptr;
  }
  if (!builder.has_root()) {  // no document: only comments, or nothing
    tree->nodes_.push_back(Data{Type::kNull, 0, false, 0, 0, -1, -1, -1});
    tree->root_ = 0;
  }
  return tree;
}

Type Node::type() const {
  return tree_ == nullptr ? Type::kUndefined : tree_->nodes_[index_].type;
}

const std::string& Node::Scalar() const {
  if (!IsScalar()) return kEmpty;
  return tree_->scalars_[tree_->nodes_[index_].first];
}

const std::string& Node::Tag() const {
  if (tree_ == nullptr) return kEmpty;
  return kTagNames[tree_->nodes_[index_].tag];
}

YAML::Mark Node::Mark() const {
  if (tree_ == nullptr) return YAML::Mark::null_mark();
  const Tree::Data& d = tree_->nodes_[index_];
  YAML::Mark m;
  m.pos = d.pos;
  m.line = d.line;
  m.column = d.column;
  return m;
}

size_t Node::size() const {
  if (tree_ == nullptr) return 0;
  const Tree::Data& d = tree_->nodes_[index_];
  if (d.type == Type::kSequence) return d.count;
  if (d.type == Type::kMap) return d.count / 2;
  return 0;
}

Node Node::operator[](std::string_view key) const {
  if (!IsMap()) return Node();
  const Tree::Data& d = tree_->nodes_[index_];
  for (uint32_t i = 0; i + 1 < d.count; i += 2) {
    const Node k(tree_, tree_->children_[d.first + i]);
    if (k.IsScalar() && k.Scalar() == key) return Node(tree_, tree_->children_[d.first + i + 1]);
  }
  return Node();
}

Node::Iterator Node::begin() const {
  if (!IsMap() && !IsSequence()) return Iterator();
  const Tree::Data& d = tree_->nodes_[index_];
  return Iterator(tree_, tree_->children_.data() + d.first, IsMap() ? 2 : 1);
}

Node::Iterator Node::end() const {
  if (!IsMap() && !IsSequence()) return Iterator();
  const Tree::Data& d = tree_->nodes_[index_];
  return Iterator(tree_, tree_->children_.data() + d.first + d.count, IsMap() ? 2 : 1);
}

void Node::Iterator::load() const {
  if (step_ == 2) {
    entry_.first = Node(tree_, at_[0]);
    entry_.second = Node(tree_, at_[1]);
    static_cast<Node&>(entry_) = Node();
  } else {
    static_cast<Node&>(entry_) = Node(tree_, at_[0]);
    entry_.first = entry_.second = Node();
  }
}

}  // namespace rb::load::yaml
