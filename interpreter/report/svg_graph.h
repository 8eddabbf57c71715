#pragma once
// Lays out a graph written in dot and draws it as SVG, with graphviz's libraries in-process (no
// `dot` program needed at run time), loaded the first time a graph is drawn.
#include <optional>
#include <string>

namespace rb::report {

// The <svg> element alone (no XML declaration, DOCTYPE or comments, so it can sit inside an HTML
// page), or nullopt with *error when graphviz refuses the graph or cannot render SVG.
std::optional<std::string> dot_to_svg(const std::string& dot, std::string* error);

}  // namespace rb::report
