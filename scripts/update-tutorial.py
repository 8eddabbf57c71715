#!/usr/bin/env python3
"""Rewrites docs/tutorial.md with the real output of its commands.

Runs every `$ COMMAND` line of each ```console block, in order, in a fresh /tmp/ops (with this
repository's build/runbook first on PATH, NO_COLOR=1 and USER=alice), and puts its output (and
`[exit N]` when it is not 0) under it. A ```yaml block after `<!-- write: FILE -->` is written to
/tmp/ops/FILE first; when its first line is `# examples/...: ...` it is refreshed from that file.
Usage: scripts/update-tutorial.py   (build first; then review the diff: run ids and times change)
"""
import os
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "tutorial.md"
WORK = pathlib.Path("/tmp/ops")


def main():
    env = dict(os.environ)
    env.update({"PATH": f"{ROOT / 'build'}:{env.get('PATH', '/usr/bin:/bin')}",
                "NO_COLOR": "1", "USER": "alice"})
    env.pop("RUNBOOK_STATE_DIR", None)
    shutil.rmtree(WORK, ignore_errors=True)
    shutil.rmtree("/tmp/runbook-tutorial", ignore_errors=True)
    WORK.mkdir(parents=True)
    lines = PAGE.read_text(encoding="utf-8").split("\n")
    out, i, write_to = [], 0, None
    while i < len(lines):
        line = lines[i]
        m = re.match(r"<!-- write: (\S+) -->", line)
        if m:
            write_to = m.group(1)
        elif line.startswith("```yaml") and write_to:
            body, i = [], i + 1
            while lines[i] != "```":
                body.append(lines[i])
                i += 1
            shown = re.match(r"# (examples/\S+?):", body[0]) if body else None
            if shown:
                body = (ROOT / shown.group(1)).read_text(encoding="utf-8").rstrip("\n").split("\n")
            (WORK / write_to).write_text("\n".join(body) + "\n", encoding="utf-8")
            out += [line] + body + ["```"]
            write_to = None
            i += 1
            continue
        elif line == "```console":
            out.append(line)
            i += 1
            while lines[i] != "```":
                if lines[i].startswith("$ "):
                    out.append(lines[i])
                    p = subprocess.run(["bash", "-c", lines[i][2:]], cwd=WORK, env=env,
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                    text = p.stdout.rstrip("\n")
                    if text:
                        out += text.split("\n")
                    if p.returncode != 0:
                        out.append(f"[exit {p.returncode}]")
                i += 1
            out.append("```")
            i += 1
            continue
        out.append(line)
        i += 1
    PAGE.write_text("\n".join(out), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
