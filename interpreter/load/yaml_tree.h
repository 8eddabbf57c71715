#pragma once
// A YAML document as a compact tree of our own, built from yaml-cpp's event parser in one pass
// that also refuses what a runbook never needs (yaml_guard.h). It replaces YAML::Node, whose
// per-node shared pointers, reference nodes and maps made a 20,000-step runbook cost 130 MB:
// here every node is one small record in one array, scalars are kept once, and a collection's
// children are a slice of one index array. The reading interface keeps YAML::Node's names and
// meaning (IsDefined, IsMap, Scalar, Tag, Mark, operator[] finding the first equal key,
// iteration yielding items, or pairs with first/second), so the loaders read it as before.
// Private to the loader: nothing outside load/ includes yaml-cpp.
#include <yaml-cpp/mark.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"
#include "base/source_file.h"

namespace rb::load::yaml {

class Tree;

enum class Type : uint8_t { kUndefined, kNull, kScalar, kSequence, kMap };

class Node {
 public:
  Node() = default;  // undefined: what a missing key gives

  bool IsDefined() const { return type() != Type::kUndefined; }
  bool IsNull() const { return type() == Type::kNull; }
  bool IsScalar() const { return type() == Type::kScalar; }
  bool IsSequence() const { return type() == Type::kSequence; }
  bool IsMap() const { return type() == Type::kMap; }
  // The text of a scalar; empty for anything else.
  const std::string& Scalar() const;
  // As yaml-cpp gives it: "?" for a plain node, "!" for a quoted scalar, "" for a null, else the
  // tag written (only tag:yaml.org,2002:str passes the guard).
  const std::string& Tag() const;
  YAML::Mark Mark() const;
  // Items of a list, pairs of a mapping; 0 otherwise.
  size_t size() const;
  // The value of the first pair whose key is the scalar `key`; undefined when there is none or
  // this is not a mapping.
  Node operator[](std::string_view key) const;

  // What iterating gives: an item of a list (the Node itself), or a pair of a mapping
  // (first, second), as yaml-cpp's iterator value is both.
  struct Entry;
  class Iterator;
  Iterator begin() const;
  Iterator end() const;

 private:
  friend class Tree;
  Node(const Tree* tree, uint32_t index) : tree_(tree), index_(index) {}
  Type type() const;

  const Tree* tree_ = nullptr;
  uint32_t index_ = 0;
};

struct Node::Entry : Node {
  Node first, second;
};

class Node::Iterator {
 public:
  using difference_type = std::ptrdiff_t;
  using value_type = Entry;
  using pointer = const Entry*;
  using reference = const Entry&;
  using iterator_category = std::forward_iterator_tag;

  Iterator() = default;
  const Entry& operator*() const {
    load();
    return entry_;
  }
  const Entry* operator->() const {
    load();
    return &entry_;
  }
  Iterator& operator++() {
    at_ += step_;
    return *this;
  }
  bool operator==(const Iterator& o) const { return at_ == o.at_; }
  bool operator!=(const Iterator& o) const { return at_ != o.at_; }

 private:
  friend class Node;
  Iterator(const Tree* tree, const uint32_t* at, int step) : tree_(tree), at_(at), step_(step) {}
  void load() const;

  const Tree* tree_ = nullptr;
  const uint32_t* at_ = nullptr;
  int step_ = 1;  // 2 in a mapping: key, value
  mutable Entry entry_;
};

// How a long file's parse is shared out (yaml_tree.cc says how and why it gives the same tree).
struct SplitOptions {
  size_t min_bytes = 64 * 1024;  // a shorter list of steps is parsed in one piece
  int pieces = 0;                // how many pieces at most; 0: one per hardware thread, up to 8
  // Try libyaml's parser first (yaml_libyaml.cc): it gives up, for yaml-cpp, on anything the
  // two might read differently and on any error. False: yaml-cpp only (for tests).
  bool libyaml = true;
};

class Tree {
 public:
  // The first document's root: a null node when the text holds no document (only comments).
  Node root() const { return Node(this, root_); }

  // Parses `file`'s text. Reports the first refused feature (anchors, aliases, tags other than
  // !!str, a second document, nesting deeper than kMaxYamlDepth), located, and returns null;
  // `what` names the file in messages ("a runbook"). Throws YAML::Exception on a syntax error.
  // A long top-level `steps:` list is parsed in pieces on several threads; the tree, and every
  // error, is the same as one parse would give.
  static std::unique_ptr<Tree> parse(const SourceFile& file, std::string_view what,
                                     Diagnostics& diags, const SplitOptions& split = {});

  // How many parses made this tree: 1, or the pieces of a split parse (for tests).
  int pieces() const { return pieces_; }
  // Whether libyaml read it (else yaml-cpp), for tests.
  bool by_libyaml() const { return libyaml_; }

 private:
  friend class Node;
  friend class Builder;
  friend struct Pieces;
  friend struct FastParse;
  struct Data {
    Type type = Type::kUndefined;
    uint8_t tag = 0;     // index into the tag names: "", "?", "!", tag:yaml.org,2002:str
    bool flow = false;   // a collection written in flow style ([a, b], {a: b})
    uint32_t first = 0;  // a collection: its children in children_ (pairs in a mapping);
    uint32_t count = 0;  // a scalar: its text in scalars_ (first)
    int32_t line = -1;   // the mark, 0-based; -1: none
    int32_t column = -1;
    int32_t pos = -1;
  };
  std::vector<Data> nodes_;
  std::vector<uint32_t> children_;
  std::vector<std::string> scalars_;
  uint32_t root_ = 0;
  int pieces_ = 1;
  bool libyaml_ = false;
};

}  // namespace rb::load::yaml
