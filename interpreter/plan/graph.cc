#include "plan/graph.h"

#include <cctype>

#include "check/step_graph.h"

namespace rb::plan {
namespace {

std::string shorten(std::string text, size_t max = 60) {
  for (char& c : text) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  if (text.size() > max) text = text.substr(0, max - 3) + "...";
  return text;
}

NodeShape shape_of(const model::Step& s) {
  if (std::holds_alternative<model::ConfirmAction>(s.action)) return NodeShape::kGate;
  if (std::holds_alternative<model::AssertAction>(s.action)) return NodeShape::kCheck;
  if (s.has_loop()) return NodeShape::kLoop;
  const bool command = std::holds_alternative<model::CommandAction>(s.action) ||
                       std::holds_alternative<model::WaitAction>(s.action);
  if (command) return s.readonly ? NodeShape::kReadonly : NodeShape::kCommand;
  return NodeShape::kOther;
}

std::string label_of(const model::Step& s, const std::string& path) {
  std::string what = s.name ? s.name->source() : s.action_name;
  std::string label = path + ": " + shorten(what);
  if (s.for_each) label += "\nfor each " + shorten(s.for_each->text(), 40);
  if (s.for_each_items) label += "\nfor each of " + std::to_string(s.for_each_items->size());
  return label;
}

class Builder {
 public:
  explicit Builder(Graph& g) : g_(g) {}

  std::string node(const std::string& path, const std::string& label, NodeShape shape,
                   long cluster) {
    std::string id = "n" + std::to_string(g_.nodes.size());
    g_.nodes.push_back(GraphNode{id, path, label, shape});
    if (cluster >= 0) g_.clusters[static_cast<size_t>(cluster)].nodes.push_back(id);
    return id;
  }

  long cluster(const std::string& label, long parent) {
    g_.clusters.push_back(
        GraphCluster{"c" + std::to_string(g_.clusters.size()), label, {}, {}, parent < 0});
    long k = static_cast<long>(g_.clusters.size() - 1);
    if (parent >= 0)
      g_.clusters[static_cast<size_t>(parent)].clusters.push_back(static_cast<size_t>(k));
    return k;
  }

  // Adds the steps of a list; edges come in from `entry` to the steps that wait for nothing.
  // Returns the nodes the list ends with (steps nothing in the list waits for).
  std::vector<std::string> list(const std::vector<model::Step>& steps, const std::string& prefix,
                                const std::vector<std::string>& entry, const std::string& label,
                                bool dashed, long cluster_id) {
    check::StepOrder order = check::order_steps(steps, nullptr);
    std::vector<std::string> first(steps.size()), last(steps.size());
    std::vector<bool> needed(steps.size(), false);
    for (size_t i : order.order) {
      const model::Step& s = steps[i];
      std::string path = prefix + check::step_label(s, i);
      auto [in, out] = step(s, path, cluster_id);
      first[i] = in;
      last[i] = out;
      std::string guard = s.guard ? "if: " + shorten(s.guard->text(), 40) : "";
      if (order.depends[i].empty()) {
        for (const std::string& e : entry) {
          g_.edges.push_back(GraphEdge{
              e, in, guard.empty() ? label : (label.empty() ? guard : label + "; " + guard),
              dashed});
        }
      }
      for (size_t d : order.depends[i]) {
        needed[d] = true;
        g_.edges.push_back(GraphEdge{last[d], in, guard, false});
      }
      if (!s.on_failure.empty()) {
        long c = cluster("on failure of " + path, cluster_id);
        list(s.on_failure, path + "/on_failure/", {out}, "on failure", true, c);
      }
    }
    std::vector<std::string> ends;
    for (size_t i : order.order) {
      if (!needed[i]) ends.push_back(last[i]);
    }
    if (steps.empty()) return entry;
    return ends;
  }

  // One step: returns its entry and exit nodes (the same node unless it is a box).
  std::pair<std::string, std::string> step(const model::Step& s, const std::string& path,
                                           long cluster_id) {
    if (const auto* g = std::get_if<model::GroupAction>(&s.action)) {
      long c = cluster(label_of(s, path), cluster_id);
      std::string in = node(path, path + " (group)", NodeShape::kTerminal, c);
      std::vector<std::string> ends = list(g->steps, path + "/", {in}, "", false, c);
      std::string out = node("", "end of " + path, NodeShape::kTerminal, c);
      for (const std::string& e : ends) g_.edges.push_back(GraphEdge{e, out, "", false});
      return {in, out};
    }
    if (const auto* inc = std::get_if<model::IncludeAction>(&s.action)) {
      long c = cluster(label_of(s, path) + "\ninclude " + inc->path.value, cluster_id);
      std::string in = node(path, path + " (include)", NodeShape::kTerminal, c);
      std::string out = in;
      if (inc->runbook && depth_ < 8) {
        ++depth_;
        std::vector<std::string> ends = list(inc->runbook->steps, path + "/", {in}, "", false, c);
        --depth_;
        out = node("", "end of " + path, NodeShape::kTerminal, c);
        for (const std::string& e : ends) g_.edges.push_back(GraphEdge{e, out, "", false});
      }
      return {in, out};
    }
    std::string id = node(path, label_of(s, path), shape_of(s), cluster_id);
    return {id, id};
  }

 private:
  Graph& g_;
  int depth_ = 0;
};

std::string mermaid_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"') {
      out += "#quot;";
    } else if (c == '\n') {
      out += "<br/>";
    } else if (c == '<') {
      out += "#lt;";
    } else if (c == '>') {
      out += "#gt;";
    } else {
      out += c;
    }
  }
  return out;
}

std::string dot_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string mermaid_node(const GraphNode& n) {
  std::string label = "\"" + mermaid_text(n.label) + "\"";
  switch (n.shape) {
    case NodeShape::kCommand:
      return n.id + "[" + label + "]";
    case NodeShape::kReadonly:
      return n.id + "(" + label + ")";
    case NodeShape::kGate:
      return n.id + "{{" + label + "}}";
    case NodeShape::kCheck:
      return n.id + "{" + label + "}";
    case NodeShape::kLoop:
      return n.id + "[[" + label + "]]";
    case NodeShape::kOther:
      return n.id + "[/" + label + "/]";
    case NodeShape::kTerminal:
      return n.id + "([" + label + "])";
  }
  return n.id;
}

void mermaid_cluster(const Graph& g, size_t k, const std::map<std::string, const GraphNode*>& by_id,
                     std::string& out, int depth) {
  const GraphCluster& c = g.clusters[k];
  std::string pad(2 + 2 * static_cast<size_t>(depth), ' ');
  out += pad + "subgraph " + c.id + "[\"" + mermaid_text(c.label) + "\"]\n";
  for (const std::string& id : c.nodes) out += pad + "  " + mermaid_node(*by_id.at(id)) + "\n";
  for (size_t inner : c.clusters) mermaid_cluster(g, inner, by_id, out, depth + 1);
  out += pad + "end\n";
}

const char* dot_shape(NodeShape s) {
  switch (s) {
    case NodeShape::kCommand:
      return "shape=box";
    case NodeShape::kReadonly:
      return "shape=box, style=\"rounded\"";
    case NodeShape::kGate:
      return "shape=hexagon";
    case NodeShape::kCheck:
      return "shape=diamond";
    case NodeShape::kLoop:
      return "shape=box, peripheries=2";
    case NodeShape::kOther:
      return "shape=parallelogram";
    case NodeShape::kTerminal:
      return "shape=oval";
  }
  return "shape=box";
}

const char* status_colour(const std::string& status) {
  if (status == "succeeded") return "#c8e6c9";
  if (status == "failed" || status == "timed_out") return "#ffcdd2";
  if (status == "skipped") return "#eeeeee";
  if (status == "paused") return "#fff9c4";
  if (status == "interrupted") return "#ffe0b2";
  if (status == "unfinished") return "#cfd8dc";
  return "";
}

void dot_cluster(const Graph& g, size_t k, const std::map<std::string, const GraphNode*>& by_id,
                 const NodeStatus& status, std::string& out, int depth);

void dot_node(const GraphNode& n, const NodeStatus& status, std::string& out,
              const std::string& pad) {
  out += pad + n.id + " [label=\"" + dot_text(n.label) + "\", " + dot_shape(n.shape);
  if (auto it = status.find(n.path); it != status.end() && !n.path.empty()) {
    std::string colour = status_colour(it->second);
    if (!colour.empty()) {
      out += std::string(", style=\"filled") + (n.shape == NodeShape::kReadonly ? ",rounded" : "") +
             "\", fillcolor=\"" + colour + "\"";
    }
    out += ", tooltip=\"" + dot_text(n.path + ": " + it->second) + "\"";
  }
  if (!status.empty() && !n.path.empty()) {
    // A run report: each step's node carries its outcome as a class (SVG output), so a page
    // can style or find it ("notrun": the run never got there).
    auto it = status.find(n.path);
    std::string name = it == status.end() ? "notrun" : it->second;
    for (char& c : name) {
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    out += ", class=\"rb-step rb-" + name + "\"";
  }
  out += "];\n";
}

void dot_cluster(const Graph& g, size_t k, const std::map<std::string, const GraphNode*>& by_id,
                 const NodeStatus& status, std::string& out, int depth) {
  const GraphCluster& c = g.clusters[k];
  std::string pad(2 + 2 * static_cast<size_t>(depth), ' ');
  out += pad + "subgraph cluster_" + c.id + " {\n";
  out += pad + "  label=\"" + dot_text(c.label) + "\"; style=\"rounded,dashed\";\n";
  for (const std::string& id : c.nodes) dot_node(*by_id.at(id), status, out, pad + "  ");
  for (size_t inner : c.clusters) dot_cluster(g, inner, by_id, status, out, depth + 1);
  out += pad + "}\n";
}

}  // namespace

Graph build_graph(const model::Runbook& rb) {
  Graph g;
  Builder b(g);
  std::string start = b.node("", "start: " + rb.name.value, NodeShape::kTerminal, -1);
  std::vector<std::string> ends = b.list(rb.steps, "", {start}, "", false, -1);
  std::string end = b.node("", "end", NodeShape::kTerminal, -1);
  for (const std::string& e : ends) g.edges.push_back(GraphEdge{e, end, "", false});
  if (!rb.on_failure.empty()) {
    long c = b.cluster("on_failure: if the run fails", -1);
    std::vector<std::string> handled =
        b.list(rb.on_failure, "on_failure/", {start}, "if the run fails", true, c);
    for (const std::string& e : handled) g.edges.push_back(GraphEdge{e, end, "", true});
  }
  if (!rb.finally_steps.empty()) {
    long c = b.cluster("finally: always, at the end", -1);
    b.list(rb.finally_steps, "finally/", {end}, "always", true, c);
  }
  return g;
}

std::string graph_mermaid(const Graph& g) {
  std::map<std::string, const GraphNode*> by_id;  // only clusters look nodes up
  std::map<std::string, bool> clustered;
  if (!g.clusters.empty()) {
    for (const GraphNode& n : g.nodes) by_id[n.id] = &n;
  }
  for (const GraphCluster& c : g.clusters) {
    for (const std::string& id : c.nodes) clustered[id] = true;
  }
  std::string out = "flowchart TD\n";
  for (const GraphNode& n : g.nodes) {
    if (clustered.count(n.id)) continue;
    out += "  ";
    out += mermaid_node(n);
    out += '\n';
  }
  for (size_t k = 0; k < g.clusters.size(); ++k) {
    if (g.clusters[k].top) mermaid_cluster(g, k, by_id, out, 0);
  }
  for (const GraphEdge& e : g.edges) {
    out += "  ";
    out += e.from;
    if (e.label.empty()) {
      out += e.dashed ? " -.->" : " -->";
    } else {
      out += e.dashed ? " -. \"" : " -- \"";
      out += mermaid_text(e.label);
      out += e.dashed ? "\" .->" : "\" -->";
    }
    out += ' ';
    out += e.to;
    out += '\n';
  }
  return out;
}

std::string graph_dot(const Graph& g, const NodeStatus& status) {
  std::map<std::string, const GraphNode*> by_id;
  std::map<std::string, bool> clustered;
  for (const GraphNode& n : g.nodes) by_id[n.id] = &n;
  for (const GraphCluster& c : g.clusters) {
    for (const std::string& id : c.nodes) clustered[id] = true;
  }
  std::string out = "digraph runbook {\n";
  out += "  graph [rankdir=TB, fontname=\"Helvetica\", fontsize=10];\n";
  out += "  node [fontname=\"Helvetica\", fontsize=10];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  for (const GraphNode& n : g.nodes) {
    if (!clustered.count(n.id)) dot_node(n, status, out, "  ");
  }
  for (size_t k = 0; k < g.clusters.size(); ++k) {
    if (g.clusters[k].top) dot_cluster(g, k, by_id, status, out, 0);
  }
  for (const GraphEdge& e : g.edges) {
    out += "  " + e.from + " -> " + e.to;
    std::string attrs;
    if (!e.label.empty()) attrs += "label=\"" + dot_text(e.label) + "\"";
    if (e.dashed) attrs += std::string(attrs.empty() ? "" : ", ") + "style=dashed";
    if (!attrs.empty()) out += " [" + attrs + "]";
    out += ";\n";
  }
  out += "}\n";
  return out;
}

}  // namespace rb::plan
