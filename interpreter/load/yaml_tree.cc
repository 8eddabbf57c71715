#include "load/yaml_tree.h"

#include <yaml.h>

#include "load/yaml_guard.h"

namespace rb::load::yaml {
namespace {

const std::string kEmpty;
const std::string kTagNames[] = {"", "?", "!", "tag:yaml.org,2002:str"};
const char* const kOneDocument =
    "a file holds one document: remove the '---' or '...' line and what follows, or move it to "
    "a file of its own";

// Thrown from the event handler to stop the parse at the first refused feature.
struct Refused {
  Mark mark;
  std::string message;
  std::string hint;
};

Location where(const SourceFile& file, const Mark& mark) {
  if (mark.is_null()) return Location{&file, 1, 1};
  return Location{&file, mark.line + 1, mark.column + 1};
}

// libyaml counts its marks in characters; diagnostics count bytes. Marks mostly come in the
// order of the text, so a cursor walks forward from the last one (back to the start if not).
class Marks {
 public:
  explicit Marks(const SourceFile& file) : file_(file), text_(file.text()) {
    // libyaml skips a byte-order mark without counting it.
    if (text_.size() >= 3 && text_.compare(0, 3, "\xEF\xBB\xBF") == 0) start_ = byte_ = 3;
  }
  Mark at(const yaml_mark_t& m) {
    if (m.index < chars_) chars_ = 0, byte_ = start_;
    while (chars_ < m.index && byte_ < text_.size()) {
      ++byte_;
      while (byte_ < text_.size() && (static_cast<unsigned char>(text_[byte_]) & 0xC0) == 0x80) {
        ++byte_;
      }
      ++chars_;
    }
    return at_byte(byte_);
  }
  Mark at_byte(size_t offset) const {
    auto [line, column] = file_.line_column(std::min(offset, text_.size()));
    return Mark{line - 1, column - 1};
  }

 private:
  const SourceFile& file_;
  const std::string& text_;
  size_t start_ = 0;
  size_t chars_ = 0;  // the cursor: this many characters ...
  size_t byte_ = 0;   // ... end at this byte
};

// What yaml-cpp read as a null: an untagged plain scalar that is empty, ~ or null.
bool is_null_text(const char* s, size_t n) {
  std::string_view v(s, n);
  return v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL";
}

// The parser, freed however the parse ends.
struct Parser {
  yaml_parser_t p;
  Parser() { yaml_parser_initialize(&p); }
  ~Parser() { yaml_parser_delete(&p); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
};

struct Event {
  yaml_event_t e;
  ~Event() { yaml_event_delete(&e); }
};

}  // namespace

// Builds the tree from the parser's events, refusing the features a runbook never needs.
class Builder {
 public:
  Builder(Tree& tree, const SourceFile& file, std::string_view what)
      : tree_(tree), marks_(file), what_(what) {}

  // Parses the whole stream; throws Refused or SyntaxError.
  void run(yaml_parser_t& parser) {
    for (;;) {
      Event ev;
      if (!yaml_parser_parse(&parser, &ev.e)) {
        // Text after `...` is a second document that libyaml cannot even start.
        if (ended_) {
          throw Refused{marks_.at(parser.problem_mark), "a second YAML document in " + what_,
                        kOneDocument};
        }
        throw syntax_error(parser);
      }
      const yaml_event_t& e = ev.e;
      switch (e.type) {
        case YAML_STREAM_END_EVENT:
          return;
        case YAML_DOCUMENT_START_EVENT:
          if (++documents_ > 1) {
            throw Refused{marks_.at(e.start_mark), "a second YAML document in " + what_,
                          kOneDocument};
          }
          break;
        case YAML_DOCUMENT_END_EVENT:
          ended_ = true;
          break;
        case YAML_ALIAS_EVENT:
          throw Refused{marks_.at(e.start_mark),
                        "YAML aliases ('*name') are not allowed in " + what_,
                        "write the value out where it is used (a value starting with '*' needs "
                        "quotes)"};
        case YAML_SCALAR_EVENT: {
          const auto& sc = e.data.scalar;
          const Mark mark = marks_.at(e.start_mark);
          const bool plain = sc.style == YAML_PLAIN_SCALAR_STYLE;
          const char* value = reinterpret_cast<const char*>(sc.value);
          if (sc.tag == nullptr && plain && is_null_text(value, sc.length)) {
            check(mark, "", sc.anchor);
            add(Type::kNull, 0, mark);
            break;
          }
          uint8_t t = check(mark, tag_of(sc.tag, plain), sc.anchor);
          uint32_t index = add(Type::kScalar, t, mark);
          tree_.nodes_[index].first = static_cast<uint32_t>(tree_.scalars_.size());
          tree_.scalars_.emplace_back(value, sc.length);
          break;
        }
        case YAML_SEQUENCE_START_EVENT:
          open(Type::kSequence, marks_.at(e.start_mark), tag_of(e.data.sequence_start.tag, true),
               e.data.sequence_start.anchor);
          break;
        case YAML_MAPPING_START_EVENT:
          open(Type::kMap, marks_.at(e.start_mark), tag_of(e.data.mapping_start.tag, true),
               e.data.mapping_start.anchor);
          break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
          close();
          break;
        default:  // stream start
          break;
      }
    }
  }

  bool has_root() const { return has_root_; }

 private:
  struct Open {
    uint32_t index;
    size_t pending_from;  // where its children start in pending_
  };

  // yaml-cpp's names for a node with no tag written: "?" plain, "!" quoted.
  static std::string_view tag_of(const yaml_char_t* tag, bool plain) {
    if (tag != nullptr) return reinterpret_cast<const char*>(tag);
    return plain ? "?" : "!";
  }

  SyntaxError syntax_error(const yaml_parser_t& p) {
    // A reader error (bad UTF-8, a control character) has a byte offset, the others a mark.
    Mark mark =
        p.error == YAML_READER_ERROR ? marks_.at_byte(p.problem_offset) : marks_.at(p.problem_mark);
    std::string msg = p.problem != nullptr ? p.problem : "cannot parse";
    if (p.context != nullptr) {
      msg += std::string(", ") + p.context;
      const Mark from = marks_.at(p.context_mark);
      if (!from.is_null() && from.line != mark.line) {
        msg += " that starts on line " + std::to_string(from.line + 1);
      }
    }
    return SyntaxError{mark, msg};
  }

  uint32_t add(Type type, uint8_t tag, const Mark& mark) {
    const auto index = static_cast<uint32_t>(tree_.nodes_.size());
    Tree::Data d;
    d.type = type;
    d.tag = tag;
    d.line = mark.line;
    d.column = mark.column;
    tree_.nodes_.push_back(d);
    if (open_.empty()) {
      if (!has_root_) tree_.root_ = index;
      has_root_ = true;
    } else {
      pending_.push_back(index);
    }
    return index;
  }
  void open(Type type, const Mark& mark, std::string_view tag, const yaml_char_t* anchor) {
    uint8_t t = check(mark, tag, anchor);
    if (static_cast<int>(open_.size()) + 1 > kMaxYamlDepth) {
      throw Refused{
          mark, "the YAML is nested more than " + std::to_string(kMaxYamlDepth) + " levels deep",
          "a runbook is a shallow file; is this the right file?"};
    }
    uint32_t index = add(type, t, mark);
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
  uint8_t check(const Mark& mark, std::string_view tag, const yaml_char_t* anchor) {
    if (anchor != nullptr) {
      throw Refused{mark, "YAML anchors ('&name') are not allowed in " + what_,
                    "write the value out where it is used (a value starting with '&' needs "
                    "quotes)"};
    }
    // "?" is a plain node and "!" a quoted scalar: no tag was written. `!!str` is harmless.
    for (uint8_t i = 0; i < 4; ++i) {
      if (tag == kTagNames[i]) return i;
    }
    std::string t(tag);
    std::string shown = t.rfind("tag:yaml.org,2002:", 0) == 0 ? "!!" + t.substr(18) : t;
    throw Refused{mark, "YAML tag '" + shown + "' is not allowed in " + what_,
                  "runbook values are plain text, numbers, lists and mappings; remove the "
                  "tag, or quote the value if the '!' is part of the text"};
  }

  Tree& tree_;
  Marks marks_;
  std::string what_;
  int documents_ = 0;
  bool ended_ = false;  // the first document has ended
  bool has_root_ = false;
  std::vector<Open> open_;
  std::vector<uint32_t> pending_;
};

std::unique_ptr<Tree> Tree::parse(const SourceFile& file, std::string_view what,
                                  Diagnostics& diags) {
  auto tree = std::make_unique<Tree>();
  const std::string& text = file.text();
  Parser parser;
  yaml_parser_set_input_string(&parser.p, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  Builder builder(*tree, file, what);
  try {
    // Anything after the first document is a second one (after `---`, or text after `...`).
    builder.run(parser.p);
  } catch (const Refused& r) {
    diags.error(where(file, r.mark), r.message, r.hint);
    return nullptr;
  }
  if (!builder.has_root()) {  // no document: only comments, or nothing
    tree->nodes_.push_back(Data{Type::kNull, 0, 0, 0, -1, -1});
    tree->root_ = 0;
  }
  tree->nodes_.shrink_to_fit();
  tree->children_.shrink_to_fit();
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

Mark Node::Mark() const {
  if (tree_ == nullptr) return yaml::Mark::null_mark();
  const Tree::Data& d = tree_->nodes_[index_];
  return yaml::Mark{d.line, d.column};
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
