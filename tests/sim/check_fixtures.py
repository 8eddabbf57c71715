#!/usr/bin/env python3
"""Checks the simulated juju (examples/sim) against the real-format fixtures (tests/fixtures/juju).

Every line of tests/fixtures/juju/cases.txt names a fixture and how the simulator reproduces it.
Each case runs on a fresh simulated cluster; the simulator's output must have the fixture's shape
(the same JSON keys and value types at every level; maps keyed by names, like `units`, compared as
one map of their values), its exit code, its stderr (digits aside) and the same values at the
fields the case names. So the simulator cannot drift from the real tools' format unnoticed.

Usage: tests/sim/check_fixtures.py   (exit 0 when every case matches; prints each mismatch)
"""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "juju")
SIM_BIN = os.path.join(ROOT, "examples", "sim", "bin")

# Maps whose keys are names (units, applications, ...): their values are compared as one shape.
NAMED_MAPS = {"applications", "units", "machines", "relations", "topology", "network-interfaces",
              "endpoint-bindings"}


def shape(value, key=None, top_named=False):
    if isinstance(value, dict):
        if key in NAMED_MAPS or top_named:
            merged = None
            for v in value.values():
                merged = shape(v) if merged is None else merge(merged, shape(v))
            return {"<name>": merged} if value else {}
        return {k: shape(v, k) for k, v in value.items()}
    if isinstance(value, list):
        merged = None
        for v in value:
            merged = shape(v, key) if merged is None else merge(merged, shape(v, key))
        return [merged] if merged is not None else []
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if value is None:
        return "null"
    return "string"


def merge(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        out = dict(a)
        for k, v in b.items():
            out[k] = merge(out[k], v) if k in out else v
        return out
    if isinstance(a, list) and isinstance(b, list):
        if a and b:
            return [merge(a[0], b[0])]
        return a or b
    return a if a == b else f"{a}|{b}"


def diff(fix, sim, path, out):
    if isinstance(fix, dict) and isinstance(sim, dict):
        for k in fix:
            if k not in sim:
                out.append(f"{path}/{k}: in the fixture, not printed by the simulator")
        for k in sim:
            if k not in fix:
                out.append(f"{path}/{k}: printed by the simulator, not in the fixture")
        for k in fix:
            if k in sim:
                diff(fix[k], sim[k], f"{path}/{k}", out)
    elif isinstance(fix, list) and isinstance(sim, list):
        if fix and sim:
            diff(fix[0], sim[0], path + "[]", out)
    elif fix != sim:
        out.append(f"{path}: {fix} in the fixture, {sim} from the simulator")


def values(doc, kind, fields):
    """The values a case compares: per task (run) or per unit (status)."""
    got = {}
    if kind == "run":
        for task in doc.values():
            for f in fields:
                got[f] = task.get(f)
    else:
        for app in doc["applications"].values():
            got["charm-rev"] = app.get("charm-rev")
            for name, unit in app.get("units", {}).items():
                got[name] = (unit["workload-status"].get("current"), unit["workload-status"].get("message"),
                             unit.get("leader", False))
    return got


def norm(text):
    return re.sub(r"\d+", "N", text).strip()


def run_case(line):
    fixture, scenario, faults, setup, command, exit_code, fields = [p.strip() for p in line.split("|")]
    kind = fixture.split("/")[0]
    problems = []
    with tempfile.TemporaryDirectory(prefix="sim-fixtures-") as tmp:
        env = dict(os.environ, PATH=SIM_BIN + os.pathsep + os.environ["PATH"],
                   SIM_STATE=os.path.join(tmp, "state"), SIM_SETTLE_POLLS="2")
        env.pop("SIM_FAULTS", None)
        init = ["sim", "init", "--scenario", scenario] + (["--faults", faults] if faults else [])
        subprocess.run(init, env=env, check=True, stdout=subprocess.DEVNULL)
        for cmd in filter(None, (c.strip() for c in setup.split(";"))):
            subprocess.run(shlex.split(cmd), env=env, check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        got = subprocess.run(shlex.split(command), env=env, capture_output=True, text=True)
    base = os.path.join(FIXTURES, fixture)
    with open(base + ".json") as f:
        want_out = f.read()
    if got.returncode != int(exit_code):
        problems.append(f"exit code {got.returncode}, the fixture's is {exit_code}")
    if not want_out.strip():
        if got.stdout.strip():
            problems.append(f"stdout should be empty, the simulator printed: {got.stdout.strip()[:200]}")
    else:
        try:
            sim_doc = json.loads(got.stdout)
        except json.JSONDecodeError:
            problems.append(f"stdout is not JSON: {got.stdout.strip()[:200]!r} (stderr: {got.stderr.strip()[:200]!r})")
            return problems
        fix_doc = json.loads(want_out)
        out = []
        diff(shape(fix_doc, top_named=(kind == "run")), shape(sim_doc, top_named=(kind == "run")), "", out)
        problems += out
        if fields:
            want_v, got_v = values(fix_doc, kind, fields.split()), values(sim_doc, kind, fields.split())
            for k in want_v:
                if want_v[k] != got_v.get(k):
                    problems.append(f"{k}: {want_v[k]!r} in the fixture, {got_v.get(k)!r} from the simulator")
    if os.path.exists(base + ".stderr"):
        with open(base + ".stderr") as f:
            want_err = f.read()
        if norm(want_err) != norm(got.stderr):
            problems.append(f"stderr differs:\n--- fixture\n{want_err}--- simulator\n{got.stderr}")
    return problems


def main():
    failed = 0
    count = 0
    with open(os.path.join(FIXTURES, "cases.txt")) as f:
        lines = [l for l in f if l.strip() and not l.startswith("#")]
    for line in lines:
        count += 1
        name = line.split("|")[0].strip()
        problems = run_case(line)
        if problems:
            failed += 1
            print(f"FAIL {name}")
            for p in problems:
                print(f"  {p}")
        else:
            print(f"ok   {name}")
    print(f"{count - failed} of {count} fixtures match the simulator")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
