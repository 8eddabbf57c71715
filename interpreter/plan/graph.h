#pragma once
// The step graph of a runbook, for people: steps as nodes (each kind drawn its own way: a
// command, a readonly check, a gate, an assertion, a loop), `needs` and run order as edges with
// the guard on them, groups, loops and included runbooks as boxes, handlers as dashed edges.
// Rendered as mermaid (renders on GitHub) or dot (graphviz).
#include <map>
#include <string>
#include <vector>

#include "load/model.h"

namespace rb::plan {

enum class NodeShape { kCommand, kReadonly, kGate, kCheck, kLoop, kOther, kTerminal };

struct GraphNode {
  std::string id;    // n0, n1, ...
  std::string path;  // the step's path as the journal names it ("" for start and end)
  std::string label;
  NodeShape shape = NodeShape::kCommand;
};

struct GraphEdge {
  std::string from, to;
  std::string label;    // "if: ..." or "on failure"
  bool dashed = false;  // a handler
};

struct GraphCluster {
  std::string id;
  std::string label;
  std::vector<std::string> nodes;  // node ids directly inside
  std::vector<size_t> clusters;    // indices of clusters nested inside
  bool top = true;                 // not nested in another cluster
};

struct Graph {
  std::vector<GraphNode> nodes;
  std::vector<GraphEdge> edges;
  std::vector<GraphCluster> clusters;
};

Graph build_graph(const model::Runbook& rb);

// Node colours for a run report: step path -> a status name ("succeeded", "failed", ...).
using NodeStatus = std::map<std::string, std::string>;

std::string graph_mermaid(const Graph& g);
// With a status (a run report), each step's node is filled with its outcome's colour and has the
// class "rb-step rb-STATUS" ("rb-notrun" for a step the run never reached).
std::string graph_dot(const Graph& g, const NodeStatus& status = {});

}  // namespace rb::plan
