#include "report/svg_graph.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <memory>
#include <mutex>

namespace rb::report {
namespace {

// graphviz prints its own errors to stderr by default; collect them instead.
std::string* g_errors = nullptr;

int collect_error(char* message) {
  if (g_errors && message) *g_errors += message;
  return 0;
}

// Drops the XML prologue and the comments graphviz writes (its version, node names), keeping
// the <svg> element.
std::string svg_element(const std::string& svg) {
  size_t start = svg.find("<svg");
  if (start == std::string::npos) return "";
  std::string out;
  out.reserve(svg.size() - start);
  size_t i = start;
  while (i < svg.size()) {
    size_t comment = svg.find("<!--", i);
    if (comment == std::string::npos) {
      out.append(svg, i, std::string::npos);
      break;
    }
    out.append(svg, i, comment - i);
    size_t end = svg.find("-->", comment + 4);
    if (end == std::string::npos) break;
    i = end + 3;
    if (i < svg.size() && svg[i] == '\n') ++i;
  }
  return out;
}

}  // namespace

std::optional<std::string> dot_to_svg(const std::string& dot, std::string* error) {
  // graphviz keeps global state (its error handler, the parser): one graph at a time.
  static std::mutex lock;
  std::lock_guard<std::mutex> guard(lock);
  std::string messages;
  g_errors = &messages;
  agseterrf(collect_error);
  auto fail = [&](const std::string& what) -> std::optional<std::string> {
    g_errors = nullptr;
    if (error) *error = what + (messages.empty() ? "" : ": " + messages);
    while (error && !error->empty() && error->back() == '\n') error->pop_back();
    return std::nullopt;
  };

  // One graphviz context for the process, never freed: graphviz 2.42's text layout (the pango
  // plugin) keeps a pointer to the last font name it measured, which gvFreeContext frees, so a
  // second context would read freed memory (AddressSanitizer found it). Reports are drawn once
  // per command; tests draw many.
  static GVC_t* const context = gvContext();
  if (context == nullptr) return fail("graphviz could not start");
  struct Borrowed {
    GVC_t* p;
    GVC_t* get() const { return p; }
  } gvc{context};
  std::unique_ptr<Agraph_t, int (*)(Agraph_t*)> graph(agmemread(dot.c_str()), agclose);
  if (!graph) return fail("graphviz could not read the step graph");
  if (gvLayout(gvc.get(), graph.get(), "dot") != 0) {
    return fail(
        "graphviz could not lay out the step graph (is the 'dot' layout plugin installed?)");
  }
  char* data = nullptr;
  unsigned int length = 0;
  int rendered = gvRenderData(gvc.get(), graph.get(), "svg", &data, &length);
  std::string svg = data ? std::string(data, length) : std::string();
  if (data) gvFreeRenderData(data);
  gvFreeLayout(gvc.get(), graph.get());
  if (rendered != 0 || svg.empty()) {
    return fail("graphviz could not draw SVG (is the graphviz 'core' plugin installed?)");
  }
  g_errors = nullptr;
  std::string element = svg_element(svg);
  if (element.empty()) return fail("graphviz wrote no <svg> element");
  return element;
}

}  // namespace rb::report
