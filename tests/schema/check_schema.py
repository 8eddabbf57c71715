#!/usr/bin/env python3
"""Checks runbooks against schemas/runbook.schema.json and test files (NAME.test.yaml) against
schemas/runbook-test.schema.json (JSON Schema draft 2020-12).

Usage:
  tests/schema/check_schema.py [-v] [FILE...]

With FILEs: each must be accepted, except a file whose first line holds `# schema: reject`,
which must be refused. Without FILEs: every runbook under runbooks/, examples/ (not
examples/sim/), tests/runbooks/, tests/validate/good/ and tests/schema/good/ must be accepted, and every file in
tests/validate/bad/ and tests/schema/bad/ whose first line holds `# schema: reject` must be
refused (the other bad files are for `runbook validate`: their faults are beyond a schema).
Test files: every NAME.test.yaml under runbooks/, examples/ and tests/runbook-test/ must be
accepted, except those marked `# schema: reject` (tests/runbook-test/invalid/), which must be
refused; every plan in tests/golden/plan/*.json must match schemas/plan.schema.json; and the
keys the test-file loader knows (its tables in interpreter/load/keys.cc) must be the keys the
test schema allows, so the two cannot drift apart.

Prints one line per failure (every file with -v) and `N passed, M failed`; exits 1 when any
check failed, 2 when it cannot run.

Needs python3-jsonschema (>= 4.0) and python3-yaml:
  apt-get install -y python3-jsonschema python3-yaml
"""

import json
import pathlib
import re
import sys

try:
    import jsonschema
    import yaml
except ImportError as e:  # pragma: no cover - depends on the machine
    sys.stderr.write(
        f"check_schema.py: {e}\n"
        "install the dependencies: apt-get install -y python3-jsonschema python3-yaml\n"
    )
    sys.exit(2)

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "schemas" / "runbook.schema.json"
TEST_SCHEMA = ROOT / "schemas" / "runbook-test.schema.json"
PLAN_SCHEMA = ROOT / "schemas" / "plan.schema.json"
TEST_LOADER = ROOT / "interpreter" / "load" / "keys.cc"
# Each key list of the test-file loader, and where the schema lists the same keys.
TEST_KEY_LISTS = {
    "kTestFileKeys": (),
    "kScenarioKeys": ("$defs", "scenario"),
    "kResumeKeys": ("$defs", "resume"),
    "kMockKeys": ("$defs", "mock"),
    "kMockResultKeys": ("$defs", "result"),
    "kExpectKeys": ("$defs", "expect"),
}
REJECT_MARKER = "# schema: reject"


class CoreLoader(yaml.SafeLoader):
    """Reads YAML the way the runbook loader does (YAML 1.2 core scalars, as yaml-cpp).

    PyYAML follows YAML 1.1, where `yes`, `on`, `0777`, `1:30` and `2023-01-01` are not strings;
    the runbook loader sees them as text. Keys stay the text they were written as, and a key
    given twice is an error, as in the loader.
    """

    yaml_implicit_resolvers = {}

    def construct_mapping(self, node, deep=False):
        self.flatten_mapping(node)
        mapping = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark,
                    "a key must be a name, not a list or mapping", key_node.start_mark)
            key = key_node.value
            if key in mapping:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark,
                    f"duplicate key '{key}'", key_node.start_mark)
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


def _resolver(tag, pattern, first):
    CoreLoader.add_implicit_resolver(tag, re.compile(pattern), list(first))


_resolver("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF")
_resolver("tag:yaml.org,2002:int", r"^[-+]?[0-9]+$", "-+0123456789")
_resolver("tag:yaml.org,2002:float",
          r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$", "-+.0123456789")
_resolver("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""])
CoreLoader.add_constructor("tag:yaml.org,2002:int",
                           lambda loader, node: int(loader.construct_scalar(node)))


def first_line(path):
    try:
        with open(path, "rb") as f:
            return f.readline().decode("utf-8", "replace")
    except OSError:
        return ""


def expects_reject(path):
    return REJECT_MARKER in first_line(path)


def describe(error):
    where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
    message = error.message
    if len(message) > 300:
        message = message[:297] + "..."
    return f"at {where}: {message}"


def problems(validator, path):
    """The reasons `path` is refused, or [] when the schema accepts it."""
    try:
        text = pathlib.Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return ["not UTF-8 text"]
    except OSError as e:
        return [f"cannot read: {e.strerror}"]
    try:
        document = yaml.load(text, Loader=CoreLoader)
    except yaml.YAMLError as e:
        return ["invalid YAML: " + " ".join(str(e).split())]
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if not errors:
        return []
    best = jsonschema.exceptions.best_match(errors)
    found = [describe(best)]
    found += [describe(e) for e in errors if e is not best][:4]
    return found


def is_test_file(path):
    return path.name.endswith((".test.yaml", ".test.yml"))


def test_key_drift(schema):
    """Lines naming keys the test-file loader and the test schema disagree on."""
    source = TEST_LOADER.read_text(encoding="utf-8")
    found = []
    for name, where in TEST_KEY_LISTS.items():
        m = re.search(r"\b" + name + r"\s*=\s*\{([^}]*)\}", source)
        if not m:
            found.append(f"{name}: not found in {TEST_LOADER.relative_to(ROOT)}")
            continue
        loader = set(re.findall(r'"([^"]+)"', m.group(1)))
        node = schema
        for part in where:
            node = node[part]
        allowed = set(node.get("properties", {}))
        if loader != allowed:
            where_text = "/".join(where) or "(top level)"
            found.append(f"{name} vs {where_text}: only the loader: {sorted(loader - allowed)}, "
                         f"only the schema: {sorted(allowed - loader)}")
    return found


def default_targets():
    good, bad = [], []
    for folder in ("runbooks", "examples"):
        for p in sorted((ROOT / folder).rglob("*.yaml")):
            rel = p.relative_to(ROOT)
            skipped = rel.parts[:2] in (("examples", "sim"), ("examples", "github-actions"))
            if skipped or is_test_file(p):
                continue
            good.append(p)
    for folder in ("runbooks", "examples", "tests/runbook-test"):
        for p in sorted((ROOT / folder).rglob("*.test.yaml")):
            (bad if expects_reject(p) else good).append(p)
    for folder in ("tests/validate/good", "tests/schema/good", "tests/runbooks"):
        good += sorted((ROOT / folder).glob("*.yaml"))
    for folder in ("tests/validate/bad", "tests/schema/bad"):
        bad += [p for p in sorted((ROOT / folder).glob("*.yaml")) if expects_reject(p)]
    return [(p, False) for p in good] + [(p, True) for p in bad]


def main(argv):
    verbose = "-v" in argv
    files = [a for a in argv if a != "-v"]
    if any(a.startswith("-") for a in files):
        sys.stderr.write(__doc__)
        return 2
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    try:
        validator_class.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        print(f"FAIL {SCHEMA.relative_to(ROOT)}: not a valid JSON Schema: {e.message}")
        print("0 passed, 1 failed")
        return 1
    validator = validator_class(schema, format_checker=jsonschema.FormatChecker())
    test_schema = json.loads(TEST_SCHEMA.read_text(encoding="utf-8"))
    try:
        validator_class.check_schema(test_schema)
    except jsonschema.exceptions.SchemaError as e:
        print(f"FAIL {TEST_SCHEMA.relative_to(ROOT)}: not a valid JSON Schema: {e.message}")
        print("0 passed, 1 failed")
        return 1
    test_validator = validator_class(test_schema, format_checker=jsonschema.FormatChecker())

    if files:
        targets = [(pathlib.Path(f).resolve(), expects_reject(f)) for f in files]
    else:
        targets = default_targets()

    passed = failed = 0
    drift = test_key_drift(test_schema)
    for d in drift:
        failed += 1
        print(f"FAIL {TEST_SCHEMA.relative_to(ROOT)} and the test-file loader disagree: {d}")
    if not drift:
        passed += 1
    for path, reject in targets:
        try:
            shown = path.relative_to(ROOT)
        except ValueError:
            shown = path
        found = problems(test_validator if is_test_file(path) else validator, path)
        if reject and not found:
            failed += 1
            print(f"FAIL {shown}: the schema accepts it, but its first line says '{REJECT_MARKER}'")
        elif not reject and found:
            failed += 1
            print(f"FAIL {shown}: refused by the schema")
            for p in found:
                print(f"    {p}")
        else:
            passed += 1
            if verbose:
                verdict = f"refused as expected ({found[0]})" if reject else "accepted"
                print(f"ok   {shown}: {verdict}")
    if not files:
        # The plan schema describes what `runbook plan --format json` prints: the golden plans.
        plan_schema = json.loads(PLAN_SCHEMA.read_text(encoding="utf-8"))
        plan_validator = validator_class(plan_schema)
        plans = sorted((ROOT / "tests" / "golden" / "plan").glob("*.json"))
        if not plans:
            failed += 1
            print("FAIL tests/golden/plan/: no plan JSON to check against schemas/plan.schema.json")
        for path in plans:
            errors = sorted(plan_validator.iter_errors(json.loads(path.read_text(encoding="utf-8"))),
                            key=lambda e: list(e.path))
            if errors:
                failed += 1
                print(f"FAIL {path.relative_to(ROOT)}: refused by schemas/plan.schema.json")
                for e in errors[:5]:
                    print(f"    {'/'.join(str(p) for p in e.path)}: {e.message}")
            else:
                passed += 1
                if verbose:
                    print(f"ok   {path.relative_to(ROOT)}: a plan the schema accepts")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
