// The split parse (yaml_tree.cc, Pieces) and libyaml's parse (yaml_libyaml.cc) give the tree, and
// every message, of one yaml-cpp parse.
#include <yaml-cpp/exceptions.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/diagnostic_renderer.h"
#include "load/yaml_tree.h"

using namespace rb;
using rb::load::yaml::Node;
using rb::load::yaml::SplitOptions;
using rb::load::yaml::Tree;

namespace {

void describe(const Node& n, std::string& out) {
  const YAML::Mark m = n.Mark();
  out += std::to_string(m.line) + ":" + std::to_string(m.column) + "@" + std::to_string(m.pos) +
         " " + n.Tag() + " ";
  if (n.IsNull()) {
    out += "~\n";
  } else if (n.IsScalar()) {
    out += "'" + n.Scalar() + "'\n";
  } else if (n.IsSequence()) {
    out += "[" + std::to_string(n.size()) + "\n";
    for (const Node& item : n) describe(item, out);
    out += "]\n";
  } else if (n.IsMap()) {
    out += "{" + std::to_string(n.size()) + "\n";
    for (auto it = n.begin(); it != n.end(); ++it) {
      describe(it->first, out);
      describe(it->second, out);
    }
    out += "}\n";
  } else {
    out += "?\n";
  }
}

struct Parsed {
  std::string tree;    // the whole tree, every mark
  std::string errors;  // a refusal, or yaml-cpp's exception
  int pieces = 0;
  bool libyaml = false;
};

Parsed parse(const std::string& text, const SplitOptions& split) {
  auto file = std::make_shared<SourceFile>("t.yaml", text);
  Diagnostics ds;
  Parsed p;
  try {
    auto tree = Tree::parse(*file, "a runbook", ds, split);
    if (tree) {
      describe(tree->root(), p.tree);
      p.pieces = tree->pieces();
      p.libyaml = tree->by_libyaml();
    }
  } catch (const YAML::Exception& e) {
    p.errors = std::string("exception: ") + e.what();
  }
  p.errors += render_diagnostics(ds);
  return p;
}

// Parses `text` in one piece and split (2, 3 and 7 ways, no size floor); all must agree.
// Returns the most pieces a split parse used.
int same_both_ways(const std::string& text) {
  const Parsed one = parse(text, SplitOptions{0, 1, false});
  REQUIRE(one.pieces <= 1);
  int most = 0;
  for (int pieces : {2, 3, 7}) {
    const Parsed split = parse(text, SplitOptions{0, pieces, false});
    INFO("split " << pieces << " ways: " << text);
    CHECK(split.errors == one.errors);
    CHECK(split.tree == one.tree);
    most = std::max(most, split.pieces);
  }
  return most;
}

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Calls `f` with the text of every YAML file in the repository, the file named in failures.
template <typename F>
void for_each_repository_yaml(F f) {
  namespace fs = std::filesystem;
  for (const char* dir : {"runbooks", "examples", "tests", "schemas", "docs"}) {
    const fs::path root = fs::path(RUNBOOK_SOURCE_DIR) / dir;
    if (!fs::exists(root)) continue;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      const auto ext = e.path().extension();
      if (!e.is_regular_file() || (ext != ".yaml" && ext != ".yml")) continue;
      INFO(e.path().string());
      f(read(e.path()));
    }
  }
}

}  // namespace

TEST_CASE("split parse: every YAML file in the repository gives the tree of one parse") {
  int files = 0, split = 0;
  for_each_repository_yaml([&](const std::string& text) {
    ++files;
    if (same_both_ways(text) > 1) ++split;
  });
  // Every runbook with a top-level list of several steps took the split path (49 files when
  // this was written; most of the rest are test files and simulator scenarios).
  CHECK(files > 150);
  CHECK(split >= 45);
}

TEST_CASE("split parse: a list of steps is shared out and joined in order") {
  std::string text = "runbook: 1\nname: big\nsteps:\n";
  for (int i = 0; i < 50; ++i) {
    text += "  - id: s" + std::to_string(i) + "\n    run: echo " + std::to_string(i) + "\n";
  }
  text += "finally:\n  - log: done\n";
  CHECK(same_both_ways(text) == 7);
  const Parsed p = parse(text, SplitOptions{0, 3, false});
  CHECK(p.pieces == 3);
  // With the default floor, a file this small is parsed in one piece.
  CHECK(parse(text, SplitOptions{64 * 1024, 0, false}).pieces == 1);
}

TEST_CASE("split parse: what could be read two ways is read as one parse reads it") {
  const std::vector<std::string> cases = {
      // A quoted scalar or a flow collection open across an item line: the piece before the
      // cut ends inside it, so one parse is used.
      "runbook: 1\nsteps:\n  - run: \"echo\n  - def\"\n  - log: b\n  - log: c\n",
      "runbook: 1\nsteps:\n  - run: 'echo\n  - def'\n  - log: b\n  - log: c\n",
      "runbook: 1\nsteps:\n  - run: [a,\n  - b]\n  - log: b\n  - log: c\n",
      "runbook: 1\nsteps:\n  - run: {a: b,\n  - c: d}\n  - log: b\n  - log: c\n",
      // `steps:` inside a multi-line quoted description.
      "runbook: 1\ndescription: \"a\nsteps:\n  - run: x\n  - run: y\n\"\nsteps:\n  - log: a\n"
      "  - log: b\n",
      // The root is a flow mapping.
      "{runbook: 1,\nsteps:\n  - log: a\n  - log: b\n}\n",
      // Items at column 0, then more top-level keys; a nested list at the items' column + 2.
      "runbook: 1\nsteps:\n- id: a\n  needs:\n  - b\n  run: x\n- id: b\n  run: y\n- log: c\n"
      "on_failure:\n- log: f\nfinally:\n- log: g\n",
      // Block scalars, comments at column 0 inside the list, blank lines.
      "runbook: 1\nsteps:\n  - run: |\n      echo 1\n\n      echo 2\n# a comment\n  - run: >\n"
      "      folded\n      text\n\n  # another\n  - log: c\n  -\n    log: d\n",
      // Plain scalars over several lines.
      "runbook: 1\nsteps:\n  - run: echo a\n      b c\n  - a\n    b\n  - log: c\n",
      // Text that is not ASCII before and inside the list (marks count bytes).
      "runbook: 1\nname: \"caf\xc3\xa9 \xe2\x98\x95\"\nsteps:\n  - log: \xc3\xa9\xc3\xa9\n"
      "  - log: \xe2\x98\x95 x\n  - log: y\n",
      // Two `steps` keys (the loader reports it; the tree keeps both).
      "runbook: 1\nsteps:\n  - log: a\n  - log: b\nsteps:\n  - log: c\n  - log: d\n",
      // Something at the items' column that is not an item.
      "runbook: 1\nsteps:\n  - log: a\n  - log: b\n  foo: c\n",
      "runbook: 1\nsteps:\n  - log: a\n  -x\n  - log: b\n",
      // Less indented, not a comment, inside the list.
      "runbook: 1\nsteps:\n    - log: a\n  - log: b\n    - log: c\n",
      // Documents: an end marker, a second document.
      "runbook: 1\nsteps:\n  - log: a\n  - log: b\n...\n",
      "runbook: 1\nsteps:\n  - log: a\n  - log: b\n---\nsteps:\n  - log: c\n",
      // Refused features and syntax errors inside a later piece: the same message.
      "runbook: 1\nsteps:\n  - log: a\n  - log: &x b\n  - log: *x\n",
      "runbook: 1\nsteps:\n  - log: a\n  - log: !!python/name:os.system b\n",
      "runbook: 1\nsteps:\n  - log: a\n  - log: b: c\n  - log: d\n",
      "runbook: 1\nsteps:\n  - log: a\n  - log: [b\n",
      // Line breaks other than \n: one parse.
      "runbook: 1\r\nsteps:\r\n  - log: a\r\n  - log: b\r\n",
      "runbook: 1\rsteps:\r  - log: a\r  - log: b\r",
      // Tabs, a comment after the key, the key at the end of the file.
      "runbook: 1\nsteps:   # the steps\n  - log: a\n\t- log: b\n  - log: c\n",
      "runbook: 1\nsteps:\n",
      "runbook: 1\nsteps:",
      "steps:\n  - a\n  - b\n  - c",
      "runbook: 1\nsteps: # c\n  # c\n  - a\n  - b\n  - c\n# end\n",
      // Empty values at a piece's end: marked at the next token, as one parse marks them.
      "runbook: 1\nsteps:\n  - include: x\n    with:\n  - log: b\n  - with:\n# c\nfinally:\n"
      "  - log: c\n",
      "runbook: 1\nsteps:\n  - log: a\n  - with:\n  -\n",
      "runbook: 1\nsteps:\n  - log: a\n  - with:\n  -",
      // A byte order mark.
      "\xef\xbb\xbfrunbook: 1\nsteps:\n  - log: \"a\"\n  - log: 'b'\n  - log: c\n",
      // Quotes that are text, and quotes escaped inside quotes.
      "runbook: 1\nsteps:\n  - run: echo \"a\n  - run: 'it''s\n    x'\n  - run: \"a\\\"\n    b\"\n"
      "  - log: c\n",
      // A key without ':' at a piece's end: yaml-cpp reads it as a key there, one parse fails
      // at the next ':', which may be items later.
      "runbook: 1\nsteps:\n  - id: b\n    rukup\n  - id: c\n  - id: d\n  - id: e\n    log: x\n",
      "runbook: 1\nsteps:\n  - id: b\n    \"rukup\"\n  - - a\n  - - b\n  - id: e\n",
      "runbook: 1\nsteps:\n  - id: b\n    [a, b]\n  - - a\n  - - b\n  - id: e\n",
      // Found by fuzz_yaml_split.
      "runbook: 1\nname: t\nsteps:\n  - id: status\n    run: juju status --format json\x12\n    "
      "capture: json\n  - id: backup\n    needs: [status]\n    run: echo backup\n  - id: "
      "refre-format json\x12\n    capture: json\n  - id: backup\n    needs: [status]\n    "
      "rukup.output }}\n  - id: report\n    log: refreshed after ${{ steps.backup.output "
      "}}\nfinally:\n  - id: final\n    log: done\n",
  };
  for (const std::string& text : cases) same_both_ways(text);
}

TEST_CASE("split parse: the depth limit counts the levels around a piece") {
  // 63 levels inside an item pass one parse (64 with the root mapping and the list)...
  auto nested = [](int levels) {
    std::string text = "runbook: 1\nsteps:\n  - log: a\n  - x: ";
    for (int i = 0; i < levels; ++i) text += "[";
    for (int i = 0; i < levels; ++i) text += "]";
    return text + "\n  - log: b\n";
  };
  CHECK(same_both_ways(nested(61)) > 1);
  const Parsed ok = parse(nested(61), SplitOptions{0, 3, false});
  CHECK(ok.errors.empty());
  // ...and one more level is refused, with one parse's message.
  same_both_ways(nested(62));
  CHECK(parse(nested(62), SplitOptions{0, 3, false}).errors.find("nested more than 64") !=
        std::string::npos);
}

namespace {

// libyaml's parse (yaml_libyaml.cc), whole and in pieces, against yaml-cpp's one parse: the
// same tree, every mark, the same messages. Returns whether libyaml read it whole.
bool same_as_yaml_cpp(const std::string& text) {
  const Parsed one = parse(text, SplitOptions{0, 1, false});
  bool by_libyaml = false;
  for (int pieces : {1, 2, 3, 7}) {
    const Parsed fast = parse(text, SplitOptions{0, pieces, true});
    INFO("libyaml, " << pieces << " pieces: " << text);
    CHECK(fast.errors == one.errors);
    CHECK(fast.tree == one.tree);
    if (pieces == 1) by_libyaml = fast.libyaml;
  }
  return by_libyaml;
}

}  // namespace

TEST_CASE("libyaml: every YAML file in the repository gives yaml-cpp's tree") {
  int files = 0, fast = 0;
  for_each_repository_yaml([&](const std::string& text) {
    ++files;
    if (same_as_yaml_cpp(text)) ++fast;
  });
  // Most files are plain enough for libyaml; the rest are yaml-cpp's (files with tabs, '---',
  // errors, refused features).
  CHECK(files > 150);
  CHECK(fast * 10 >= files * 8);
}

TEST_CASE("libyaml: what the two parsers could read differently is read as yaml-cpp reads it") {
  const std::vector<std::string> cases = {
      // Empty values, marked at the next token: a key, a dedent, an item, a comment between,
      // the end of the file.
      "a:\nb: 1\n",
      "a:\n  # c\n\nb:\n",
      "- a:\n- b:\n  c:\n-\n- # c\n",
      "a:\n  b:\nc: d\n",
      "steps:\n  - id: x\n    with:\n    # c\n  - id: y\n    with:\n",
      "a:   \n",
      "a: # c\n",
      "a:\n- b\n-\nc:\n",
      "- - \n  - a\n",
      "a: {b: }\n",
      "[a, , b]\n",
      "{a, b: }\n",
      // Nulls written, and quoted ones that are text.
      "a: ~\nb: null\nc: Null\nd: NULL\ne: nUll\nf: 'null'\ng: \"~\"\n",
      "[null, ~, x]\n",
      "~: a\n",
      "null: a\n",
      "- ~\n- null\n",
      // Keys: explicit, empty, a collection, quoted.
      "? a\n: b\n",
      "? a\n",
      ": b\n",
      "[a]: b\n",
      "{a: b}: c\n",
      "'a': b\n\"c\": d\n",
      "a: b\n? c: d\n",
      "- ? x\n  : y\n",
      // Flow collections: compact maps, multi-line, nested, trailing commas.
      "a: [b: c, d]\n",
      "a: [b, {c: d}, [e]]\n",
      "a: {b: [c,\n  d], e: f}\n",
      "a: [b, c, ]\n",
      "a: {b: c, }\n",
      "a: [b?c, d]\n",
      "a: [b:c, d]\n",
      "a: {b:c: d}\n",
      "a: [http://x]\n",
      "a: [b ?c]\n",
      "a: b?c\n",
      "a: [\n  b,\n  c\n]\n",
      "a: {\"b\": c}\n",
      "a: [b c, d]\n",
      // Plain scalars over lines, with colons, hashes and odd characters.
      "a: b\n  c\n\n  d\n",
      "a: b:c\nd: e#f\ng: h # i\n",
      "- a b\n  c\n- d\n",
      "a: -b\nc: --\n",
      "a: http://x:80/y\n",
      "a: 1.0\nb: 0x1f\nc: yes\nd: .inf\n",
      "a: b  \n",
      "a: 'b'  \n",
      // Block scalars: chomping, indentation indicators, trailing blank lines, keep.
      "a: |\n  x\n  y\n",
      "a: |-\n  x\n\n",
      "a: |+\n  x\n\n\nb: c\n",
      "a: >\n  x\n  y\n\n  z\n",
      "a: >-\n  x\n   y\n  z\n",
      "a: |2\n    x\n  y\n",
      "a: |\n\n  x\n",
      "a: |\nb: c\n",
      "- |\n  x\n- >\n  y\n",
      "a: |  # c\n  x\n",
      "a: >+\n  x\n",
      // Quoted scalars: escapes, folding, quotes inside.
      "a: \"x\\ny\\tz\\\\\\\"\\/\\x41\\u00e9\\U0001F600\\0\\a\\b\\e\\f\\r\\v\\ \"\n",
      "a: \"\\N\\_\\L\\P\"\n",
      "a: \"x\n  y\n\n  z\"\n",
      "a: \"x \\\n  y\"\n",
      "a: 'it''s'\n",
      "a: 'x\n  y\n\n  z'\n",
      "a: \"\"\nb: ''\n",
      "a: \"\\q\"\n",
      "a: \"\\x4\"\n",
      // Text that is not ASCII: marks count bytes.
      "a: \xc3\xa9\nb: \xe2\x98\x95 x\nc: \"\xf0\x9f\x98\x80\"\nd:\ne: [\xc3\xa9, f]\n",
      "\xc3\xa9: x\n\xe2\x98\x95:\n  - \xc3\xa9\xc3\xa9\n  -\n",
      "a: \xc2\xa0"
      "b\n",
      "a: \xe2\x80\xa8\n",
      "a: \xc2\x85\n",
      "a: \xef\xbb\xbf\n",
      "a: \xed\xa0\x80\n",
      "a: \xff\n",
      "a: \xc3\n",
      // Documents and directives.
      "---\na: 1\n",
      "a: 1\n...\n",
      "a: 1\n---\nb: 2\n",
      "%YAML 1.2\n---\na: 1\n",
      "--- a\n",
      "# only a comment\n",
      "",
      "\n",
      "a: 1",
      "a: 1\n\n\n",
      // Refused features, tabs, \r, control characters.
      "a: &x b\nc: *x\n",
      "a: !!str b\n",
      "a: !x b\n",
      "a: !!map {}\n",
      "a:\tb\n",
      "\ta: b\n",
      "a: b\r\n",
      "a: b\x01\n",
      "a: \"b\x7f\"\n",
      // Errors.
      "a: b\n  c: d\n",
      "a: 'b'c\n",
      "a: [b\n",
      "a: {b\n",
      "- a\nb: c\n",
      "a: \"b\n",
      "a:\n  - b\n c\n",
      "a: b: c\n",
      "a: @b\n",
      "a: `b\n",
      "a: %b\n",
      "a: |\n   x\n  y\n",
      "a: >\n  x\n y\n",
      "a: |0\n  x\n",
      std::string(1100, 'k') + ": v\n",
      "a: b\n  - c\n",
      "- a\n-b\n",
      "a\n",
      "- a\n  - b\n",
      "key: value\n  - item\n",
      "'a\n",
      // Indentation: lists at their key's column, nested lists, deeper maps.
      "a:\n- b\n- c\nd: e\n",
      "- - a\n  - b\n- - c\n",
      "a:\n    b:\n        c: d\n    e: f\n",
      "- a: b\n  c: d\n- e\n",
  };
  int fast = 0;
  for (const std::string& text : cases) fast += same_as_yaml_cpp(text) ? 1 : 0;
  CHECK(fast > 40);
}

TEST_CASE("libyaml: a long list of steps is read in pieces") {
  std::string text = "runbook: 1\nname: big\nsteps:\n";
  for (int i = 0; i < 50; ++i) {
    text += "  - id: s" + std::to_string(i) + "\n    run: echo " + std::to_string(i) + "\n";
    if (i % 7 == 0) text += "    with:\n";
    if (i % 5 == 0) text += "    needs: [s0]\n    set: {a: \"b\", c: 'd'}\n";
  }
  text += "finally:\n  - log: done\n";
  CHECK(same_as_yaml_cpp(text));
  const Parsed p = parse(text, SplitOptions{0, 3, true});
  CHECK(p.libyaml);
  CHECK(p.pieces == 3);
}

TEST_CASE("libyaml: the depth limit is yaml-cpp's") {
  auto nested = [](int levels) {
    std::string text = "runbook: 1\nsteps:\n  - log: a\n  - x: ";
    for (int i = 0; i < levels; ++i) text += "[";
    for (int i = 0; i < levels; ++i) text += "]";
    return text + "\n  - log: b\n";
  };
  CHECK(same_as_yaml_cpp(nested(61)));
  CHECK_FALSE(same_as_yaml_cpp(nested(62)));
}
