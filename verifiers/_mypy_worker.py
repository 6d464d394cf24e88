"""Runs mypy on several copies of one project in one process, so the second run is warm.

Usage: python -m verifiers._mypy_worker CACHE_DIR TARGETS_JSON ROOT [ROOT ...]
Prints one JSON object: {root: {"exit": int, "stdout": str, "stderr": str}}.
"""

from __future__ import annotations

import json
import os
import sys

from mypy import api


def main(argv: list[str]) -> int:
    cache_dir, targets_json, *roots = argv
    targets: list[str] = json.loads(targets_json)
    report: dict[str, dict[str, object]] = {}
    for root in roots:
        os.chdir(root)
        stdout, stderr, status = api.run(
            [
                # JSON lines, whatever the project's own settings say about the text format.
                "--cache-dir", cache_dir, "--output", "json", "--no-error-summary", "--show-error-codes",
                "--hide-error-context", "--no-color-output", "--no-pretty", "--show-traceback",
                *targets,
            ]
        )
        report[root] = {"exit": status, "stdout": stdout, "stderr": stderr}
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
