#!/usr/bin/env python3
"""Lists the functions of src/ longer than a limit (default 80 lines), longest first.

  /usr/bin/python3 scripts/function_lengths.py [ROOT] [LIMIT]

A text heuristic, not a parser: a definition starts on an unindented line holding '(' that is
not a declaration (its opening brace within the next few lines), and ends at the next line that
is a lone '}'. It matches the house layout (clang-format, definitions at namespace level) and is
meant for tracking the count over time (docs/architecture.md), not as a gate.
"""
import os
import re
import sys

NOT_A_DEFINITION = ("#", "//", "namespace", "struct", "class", "enum", "}", "using",
                    "static_assert", "extern")
MAX_SIGNATURE_LINES = 8


def definition_end(lines, start):
    """Index of the line holding the definition's opening brace, or None for a declaration."""
    for index in range(start, min(len(lines), start + MAX_SIGNATURE_LINES + 1)):
        text = lines[index].rstrip()
        if text.endswith("{"):
            return index
        if text.endswith(";"):
            return None
    return None


def long_functions(path, limit):
    with open(path, errors="replace") as source:
        lines = source.read().split("\n")
    found = []
    index = 0
    while index < len(lines):
        line = lines[index]
        starts = (line and not line[0].isspace() and "(" in line
                  and not line.startswith(NOT_A_DEFINITION) and not line.rstrip().endswith(";"))
        brace = definition_end(lines, index) if starts else None
        if brace is not None:
            close = brace + 1
            while close < len(lines) and lines[close] != "}":
                close += 1
            length = close - index + 1
            words = re.sub(r"\(.*", "", line).split()
            if length > limit:
                found.append((length, index + 1, words[-1] if words else line))
            index = close
        index += 1
    return found


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 80
    rows = []
    for folder, _, files in os.walk(os.path.join(root, "src")):
        if "node_modules" in folder:
            continue
        for name in files:
            if name.endswith((".cc", ".h")):
                path = os.path.join(folder, name)
                for length, line, function in long_functions(path, limit):
                    rows.append((length, os.path.relpath(path, root), line, function))
    for length, path, line, function in sorted(rows, reverse=True):
        print(f"{length:4d} {path}:{line} {function}")
    print(f"functions over {limit} lines: {len(rows)}")


if __name__ == "__main__":
    main()
