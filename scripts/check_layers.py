#!/usr/bin/env python3
"""Checks gauntlet's layering: no source file includes a layer above its own.

Usage: check_layers.py [SOURCE_DIR]

Each top-level folder is a layer and may include only the layers listed for
it below (README "Layout"). Exit 1 with one line per offending include.
"""
import pathlib
import re
import sys

# Who may include whom. The command layer (app/) and the Python module sit on
# top and wire everything; bench/ and tests/ may use any layer.
ALLOWED = {
    "harness": {"harness"},
    "results": {"harness", "results"},
    "reports": {"harness", "results", "reports"},
    "envs": {"harness", "envs"},
    "merging": {"harness", "merging"},
    "policies": {"harness", "policies", "merging"},
    "app": {"harness", "results", "reports", "envs", "merging", "policies", "app", "python"},
    "python": {"harness", "results", "reports", "envs", "merging", "policies", "app", "python"},
}
# The engine core (types, contracts, the family registry) must not need the
# simulator, images or GL: the results store and reports link only it.
RUNTIME_HEADERS = {"camera_renderer.h", "episode_runner.h", "episode_stepper.h", "gl_context.h", "image_io.h",
                   "mujoco_handles.h", "mujoco_world.h", "policy_batcher.h", "scheduler.h", "video_writer.h"}
CORE_FORBIDDEN_SYSTEM = re.compile(r"#include\s*<(mujoco/|opencv2/|EGL/|GL/)")
INCLUDE = re.compile(r'#include\s*"([a-z_]+)/([^"]+)"')


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    problems = []
    for layer, allowed in ALLOWED.items():
        for path in sorted((root / layer).rglob("*")):
            if path.suffix not in (".h", ".cc") or "node_modules" in path.parts:
                continue
            rel = path.relative_to(root)
            text = path.read_text(encoding="utf-8", errors="replace")
            for number, line in enumerate(text.splitlines(), 1):
                m = INCLUDE.search(line)
                if m and m.group(1) in ALLOWED and m.group(1) not in allowed:
                    problems.append(f"{rel}:{number}: {layer}/ includes {m.group(1)}/{m.group(2)} (a layer above it)")
            if layer == "harness" and path.stem + ".h" not in RUNTIME_HEADERS:
                for number, line in enumerate(text.splitlines(), 1):
                    m = INCLUDE.search(line)
                    if CORE_FORBIDDEN_SYSTEM.search(line) or (m and m.group(1) == "harness" and m.group(2) in RUNTIME_HEADERS):
                        problems.append(f"{rel}:{number}: engine core file includes the runtime: {line.strip()}")
    for p in problems:
        print(p)
    checked = ", ".join(ALLOWED)
    print(f"layering: {len(problems)} problem(s) in {checked}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
