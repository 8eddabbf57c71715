#include <catch2/catch.hpp>

#include "base/diagnostic_renderer.h"
#include "base/spelling.h"
#include "base/text_origin.h"

using namespace rb;

TEST_CASE("a diagnostic renders as file:line:col, the source line, a caret and a hint") {
  SourceFile file("x.yaml", "runbook: 1\nsteps:\n  - run: echo\n    tiemout: 10s\n");
  Diagnostics ds;
  ds.error(Location{&file, 4, 5}, "unknown key 'tiemout' in step", "did you mean 'timeout'?", 7);
  CHECK(render_diagnostics(ds) ==
        "x.yaml:4:5: error: unknown key 'tiemout' in step\n"
        "      tiemout: 10s\n"
        "      ^~~~~~~\n"
        "  hint: did you mean 'timeout'?\n");
  CHECK(ds.has_errors());
  CHECK(ds.error_count() == 1);
}

TEST_CASE("notes follow their diagnostic; colours only when asked") {
  SourceFile file("x.yaml", "a: 1\nb: 2\n");
  Diagnostics ds;
  Diagnostic& d = ds.error(Location{&file, 2, 1}, "duplicate");
  d.notes.push_back(Diagnostic{Severity::kNote, Location{&file, 1, 1}, 1, "first here", "", {}});
  std::string plain = render_diagnostics(ds);
  CHECK(plain.find("x.yaml:1:1: note: first here\n") != std::string::npos);
  CHECK(plain.find('\033') == std::string::npos);
  RenderOptions color;
  color.color = true;
  CHECK(render_diagnostics(ds, color).find("\033[") != std::string::npos);
}

TEST_CASE("control bytes in a source line never reach the terminal") {
  SourceFile file("x.yaml", std::string("a: \x1b[31mred\n", 13));
  Diagnostics ds;
  ds.error(Location{&file, 1, 1}, "bad");
  CHECK(render_diagnostics(ds).find('\x1b') == std::string::npos);
}

TEST_CASE("diagnostics sort by place, keeping order among equals") {
  SourceFile file("x.yaml", "a\nb\nc\n");
  Diagnostics ds;
  ds.error(Location{&file, 3, 1}, "third");
  ds.error(Location{&file, 1, 2}, "second");
  ds.error(Location{&file, 1, 1}, "first");
  ds.sort();
  CHECK(ds.items()[0].message == "first");
  CHECK(ds.items()[2].message == "third");
}

TEST_CASE("did you mean picks the closest name and only when close") {
  std::vector<std::string> keys = {"timeout", "retry", "needs", "capture"};
  CHECK(did_you_mean("tiemout", keys) == "did you mean 'timeout'?");
  CHECK(did_you_mean("retyr", keys) == "did you mean 'retry'?");
  CHECK(did_you_mean("zebra", keys).empty());
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("ab", "ba") == 1);
}

TEST_CASE("a text origin maps offsets onto the file") {
  SourceFile file("x.yaml", "0123456789\n");
  TextOrigin o(Location{&file, 1, 3});
  CHECK(o.locate(4).column == 7);
  CHECK(o.sub(2).locate(1).column == 6);
  TextOrigin table(Location{&file, 1, 1}, {Location{&file, 2, 4}, Location{&file, 3, 6}});
  CHECK(table.locate(1).line == 3);
  CHECK(table.locate(5).column == 10);  // past the end: after the last byte
  CHECK(file.line_column(3) == std::make_pair(1, 4));
  CHECK(file.offset_of(1, 4) == 3);
}
