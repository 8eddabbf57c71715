#!/usr/bin/env python3
"""Checks the DOM headless Chromium built from a run report (its --dump-dom output) for
tests/runbooks/report.yaml after run + resume --approve: one SVG graph with one node per step,
each filled with its outcome's colour; a timeline row per step; the approval; each step
collapsed; no script; the secret masked."""
import sys
from html.parser import HTMLParser

STEPS = ["check", "deploy", "login", "approve", "local-only", "switch", "switch/drain",
         "switch/flip", "smoke", "verify"]
OUTCOME = {"check": "succeeded", "deploy": "succeeded", "login": "succeeded",
           "approve": "succeeded", "local-only": "skipped", "switch": "succeeded",
           "switch/drain": "succeeded", "switch/flip": "succeeded", "smoke": "failed",
           "verify": "succeeded"}
FILL = {"succeeded": "#c8e6c9", "failed": "#ffcdd2", "skipped": "#eeeeee"}


class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack = []          # (tag, attrs)
        self.svgs = 0
        self.nodes = []          # {"classes", "tooltip", "fills"}
        self.rows = []           # data-step of timeline rows
        self.approvals = []      # cell texts of approval rows
        self.details = []        # (id, open)
        self.scripts = 0
        self.text = []
        self._cell = None

    def inside(self, tag, cls=None, id_=None):
        for t, a in self.stack:
            if t == tag and (cls is None or cls in a.get("class", "").split()) and \
                    (id_ is None or a.get("id") == id_):
                return True
        return False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        void = tag in ("meta", "br", "img", "input", "link", "hr")
        if tag == "script":
            self.scripts += 1
        if tag == "svg":
            self.svgs += 1
            if not self.inside("section", id_="graph"):
                raise SystemExit("the svg is not inside section#graph")
        if tag == "g" and "rb-step" in a.get("class", "").split():
            self.nodes.append({"classes": a["class"].split(), "tooltip": None, "fills": []})
        if self.nodes and self.inside("g", cls="rb-step"):
            if tag == "a" and a.get("xlink:title"):
                self.nodes[-1]["tooltip"] = a["xlink:title"]
            if tag in ("polygon", "ellipse", "path") and a.get("fill"):
                self.nodes[-1]["fills"].append(a["fill"])
        if tag == "tr" and a.get("data-step") and self.inside("table", cls="timeline"):
            self.rows.append(a["data-step"])
        if tag == "tr" and self.inside("table", cls="approvals") and self.inside("tbody"):
            self.approvals.append([])
        if tag == "td" and self.inside("table", cls="approvals") and self.approvals:
            self._cell = []
        if tag == "details":
            self.details.append((a.get("id"), "open" in a))
        if not void:
            self.stack.append((tag, a))

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.approvals[-1].append("".join(self._cell).strip())
            self._cell = None
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def main():
    dom = Dom()
    dom.feed(open(sys.argv[1], encoding="utf-8").read())
    problems = []
    if dom.svgs != 1:
        problems.append(f"{dom.svgs} svg elements, expected 1")
    by_step = {}
    for n in dom.nodes:
        step = (n["tooltip"] or "").rsplit(": ", 1)[0]
        by_step[step] = n
    if sorted(by_step) != sorted(STEPS) or len(dom.nodes) != len(STEPS):
        problems.append(f"graph nodes {sorted(by_step)} ({len(dom.nodes)}), expected {sorted(STEPS)}")
    for step, outcome in OUTCOME.items():
        n = by_step.get(step)
        if n is None:
            continue
        if "rb-" + outcome not in n["classes"]:
            problems.append(f"node {step}: classes {n['classes']}, expected rb-{outcome}")
        if FILL[outcome] not in n["fills"]:
            problems.append(f"node {step}: fills {n['fills']}, expected {FILL[outcome]}")
    if dom.rows != STEPS:
        problems.append(f"timeline rows {dom.rows}, expected {STEPS}")
    if len(dom.approvals) != 1 or dom.approvals[0][:1] != ["approve"] or \
            dom.approvals[0][1] != "alice" or "CHG-42" not in dom.approvals[0][4] or \
            "UTC" not in dom.approvals[0][2]:
        problems.append(f"approvals {dom.approvals}")
    if [d[0] for d in dom.details] != ["step-" + s for s in STEPS] or any(d[1] for d in dom.details):
        problems.append(f"details {dom.details}: expected one per step, all collapsed")
    if dom.scripts:
        problems.append(f"{dom.scripts} script elements")
    text = "".join(dom.text)
    if "s3cr3t" in text:
        problems.append("the secret is in the page")
    if "token=***" not in text:
        problems.append("the masked token is not in the page")
    for p in problems:
        print("check_dom:", p, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"check_dom: 1 svg, {len(dom.nodes)} step nodes coloured by outcome, "
          f"{len(dom.rows)} timeline rows, {len(dom.approvals)} approval, {len(dom.details)} steps")


if __name__ == "__main__":
    main()
