#include "load/yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <sstream>

#include "load/yaml_guard.h"

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

}  // namespace

// Builds the tree from the parser's events, refusing the features a runbook never needs.
class Builder : public YAML::EventHandler {
 public:
  Builder(Tree& tree, std::string_view what) : tree_(tree), what_(what) {}

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
    add(Type::kNull, 0, mark);
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
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(Type::kSequence, mark, tag, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(Type::kMap, mark, tag, anchor);
  }
  void OnMapEnd() override { close(); }

  bool has_root() const { return has_root_; }

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
    tree_.nodes_.push_back(d);
    if (open_.empty()) {
      if (!has_root_) tree_.root_ = index;
      has_root_ = true;
    } else {
      pending_.push_back(index);
    }
    return index;
  }
  void open(Type type, const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor) {
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
  int documents_ = 0;
  bool has_root_ = false;
  std::vector<Open> open_;
  std::vector<uint32_t> pending_;
};

std::unique_ptr<Tree> Tree::parse(const SourceFile& file, std::string_view what,
                                  Diagnostics& diags) {
  auto tree = std::make_unique<Tree>();
  std::istringstream in(file.text());
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
    tree->nodes_.push_back(Data{Type::kNull, 0, 0, 0, -1, -1, -1});
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
