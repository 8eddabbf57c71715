#include "report/svg_graph.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <memory>
#include <mutex>

#include "base/shared_library.h"

namespace rb::report {
namespace {

// The graphviz functions used, resolved once, the first time a report is drawn. libgvc is
// loaded with dlopen, not linked: it brings seven libraries (cgraph, cdt, pathplan, ltdl, expat,
// zlib) whose loading every `runbook` command would pay at start, when only `status --format
// html` draws a graph. The types come from Debian's libgraphviz-dev headers.
struct Api {
#define RB_GV_FN(name) decltype(&::name) name = nullptr;
  RB_GV_FN(agseterrf)
  RB_GV_FN(agmemread)
  RB_GV_FN(agclose)
  RB_GV_FN(gvContext)
  RB_GV_FN(gvLayout)
  RB_GV_FN(gvRenderData)
  RB_GV_FN(gvFreeRenderData)
  RB_GV_FN(gvFreeLayout)
#undef RB_GV_FN
};

const Api* g_api = nullptr;
std::string g_load_error;

void load_once() {
  // libgvc needs libcgraph (agmemread and the rest are found through it).
  SharedLibrary lib("libgvc.so.6",
                    "the step graph is drawn by graphviz, which is not installed (Debian: "
                    "apt-get install libgvc6)");
  static Api api;
#define RB_GV_BIND(name) lib.bind(api.name, #name);
  RB_GV_BIND(agseterrf)
  RB_GV_BIND(agmemread)
  RB_GV_BIND(agclose)
  RB_GV_BIND(gvContext)
  RB_GV_BIND(gvLayout)
  RB_GV_BIND(gvRenderData)
  RB_GV_BIND(gvFreeRenderData)
  RB_GV_BIND(gvFreeLayout)
#undef RB_GV_BIND
  if (lib.usable("the installed graphviz (libgvc) lacks a function the report uses",
                 &g_load_error)) {
    g_api = &api;
  }
}

// graphviz, or nullptr with *error.
const Api* api(std::string* error) {
  static std::once_flag once;
  std::call_once(once, load_once);
  if (g_api == nullptr && error != nullptr) *error = g_load_error;
  return g_api;
}

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
  const Api* gv = api(error);
  if (gv == nullptr) return std::nullopt;
  // graphviz keeps global state (its error handler, the parser): one graph at a time.
  static std::mutex lock;
  std::lock_guard<std::mutex> guard(lock);
  std::string messages;
  g_errors = &messages;
  gv->agseterrf(collect_error);
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
  static GVC_t* const gvc = gv->gvContext();
  if (gvc == nullptr) return fail("graphviz could not start");
  std::unique_ptr<Agraph_t, int (*)(Agraph_t*)> graph(gv->agmemread(dot.c_str()), gv->agclose);
  if (!graph) return fail("graphviz could not read the step graph");
  if (gv->gvLayout(gvc, graph.get(), "dot") != 0) {
    return fail(
        "graphviz could not lay out the step graph (is the 'dot' layout plugin installed?)");
  }
  char* data = nullptr;
  unsigned int length = 0;
  int rendered = gv->gvRenderData(gvc, graph.get(), "svg", &data, &length);
  std::string svg = data ? std::string(data, length) : std::string();
  if (data) gv->gvFreeRenderData(data);
  gv->gvFreeLayout(gvc, graph.get());
  if (rendered != 0 || svg.empty()) {
    return fail("graphviz could not draw SVG (is the graphviz 'core' plugin installed?)");
  }
  g_errors = nullptr;
  std::string element = svg_element(svg);
  if (element.empty()) return fail("graphviz wrote no <svg> element");
  return element;
}

}  // namespace rb::report
