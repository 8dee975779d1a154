#!/usr/bin/python3
"""Compares two segcast output folders file by file and exits 1 on any difference other than the
fields that legitimately change from run to run (VOLATILE below: wall-clock times, the thread count
the run was given, lock files). Used by tests/integration/determinism*.sh.

  compare_outputs.py OUT_A OUT_B

Every regular file present in either folder is compared; a file missing on one side is a
difference. Files without volatile fields must match byte for byte. JSON files with volatile keys
are parsed and compared with only those keys removed; CSV files with a volatile column are compared
byte for byte once that column is cut out; the SQLite store is compared row by row through
store_check.py (every table, every run). Prints one line per file and a summary.
"""
import csv
import hashlib
import io
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# file name -> what is left out. JSON: key paths ("*" = every element of a list); CSV: columns.
VOLATILE = {
    "manifest.json": {"json": [["seconds"], ["threads"], ["timings", "*", "seconds"]]},
    "k_selection.csv": {"csv": ["seconds_fit"]},
}
# Not outputs: the run locks hold the pid and time of their last holder.
SKIPPED = {".segcast.lock", "segcast.db.lock", "segcast.db-shm", "segcast.db-wal"}


def remove_path(value, path):
    if not path:
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(value, list):
            for element in value:
                remove_path(element, rest)
        return
    if isinstance(value, dict) and head in value:
        if rest:
            remove_path(value[head], rest)
        else:
            del value[head]


def cut_columns(data, columns):
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    keep = [index for index, name in enumerate(rows[0]) if name not in columns] if rows else []
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([row[index] for index in keep if index < len(row)])
    return out.getvalue()


def store_digest(path):
    text = subprocess.run([sys.executable, os.path.join(HERE, "store_check.py"), path, "--volatile"],
                          check=True, capture_output=True, text=True).stdout
    return json.loads(text)


def files_under(root):
    found = {}
    for folder, directories, names in os.walk(root):
        for name in names + [d for d in directories if os.path.islink(os.path.join(folder, d))]:
            full = os.path.join(folder, name)
            found[os.path.relpath(full, root)] = full
    return found


def compare(relative, a, b):
    """Returns (verdict, note): verdict is 'identical', 'equal-excluding' or 'DIFFERENT'."""
    name = os.path.basename(relative)
    if os.path.islink(a) or os.path.islink(b):
        same = os.path.islink(a) and os.path.islink(b) and os.readlink(a) == os.readlink(b)
        return ("identical" if same else "DIFFERENT", "symbolic link")
    if name == "segcast.db":
        left, right = store_digest(a), store_digest(b)
        ok = left == right and left["integrity"] == ["ok"]
        return ("equal-excluding" if ok else "DIFFERENT",
                "rows of every table; runs.created_at and manifest timings/threads excluded")
    data_a, data_b = open(a, "rb").read(), open(b, "rb").read()
    if data_a == data_b:
        return ("identical", hashlib.sha256(data_a).hexdigest()[:16])
    rule = VOLATILE.get(name)
    if rule and "json" in rule:
        left, right = json.loads(data_a), json.loads(data_b)
        for path in rule["json"]:
            remove_path(left, path)
            remove_path(right, path)
        return ("equal-excluding" if left == right else "DIFFERENT",
                "without " + ", ".join("/".join(path) for path in rule["json"]))
    if rule and "csv" in rule:
        same = cut_columns(data_a, rule["csv"]) == cut_columns(data_b, rule["csv"])
        return ("equal-excluding" if same else "DIFFERENT", "without columns " + ", ".join(rule["csv"]))
    return ("DIFFERENT", "bytes differ")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: compare_outputs.py OUT_A OUT_B")
    left, right = files_under(sys.argv[1]), files_under(sys.argv[2])
    counts = {"identical": 0, "equal-excluding": 0, "DIFFERENT": 0}
    for relative in sorted(set(left) | set(right)):
        if os.path.basename(relative) in SKIPPED:
            continue
        if relative not in left or relative not in right:
            verdict, note = "DIFFERENT", "only in " + (sys.argv[1] if relative in left else sys.argv[2])
        else:
            verdict, note = compare(relative, left[relative], right[relative])
        counts[verdict] += 1
        print("%-16s %s  (%s)" % (verdict, relative, note))
    print("compared %d files: %d byte-identical, %d equal once run-specific fields are left out, "
          "%d different" % (sum(counts.values()), counts["identical"], counts["equal-excluding"],
                            counts["DIFFERENT"]))
    sys.exit(1 if counts["DIFFERENT"] else 0)


if __name__ == "__main__":
    main()
