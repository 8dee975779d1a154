#!/usr/bin/python3
"""Runs every case of tests/data/bad_inputs/expected.tsv through the segcast tool and checks it.

For each case: the exit code, then either the counts of the --json summary (with the invariant
rows_read = rows_accepted + sum(rejected) on ingest reports) or substrings of the error message,
and, when listed, the rejects file (line, reason, field). Prints one table row per case and exits
1 when any case fails. Cases needing the file system are made here: a 1 MB field, a directory, an
unreadable file (checked as user nobody when running as root; skipped with a reason if that is not
possible), a path that does not exist.

Usage: bad_inputs.py SEGCAST_BIN CORPUS_DIR
"""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

REASONS = ["malformed_row", "missing_customer", "cancelled", "unparseable_number",
           "non_positive_quantity", "negative_price", "zero_price", "unparseable_date",
           "future_date", "duplicate", "cancelled_by_later_invoice"]
HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"


def make_special(name, work):
    """Path for an @case, made inside `work`; None and a reason when it cannot be made."""
    if name == "@huge_field":
        path = os.path.join(work, "huge_field.csv")
        with open(path, "w") as out:
            out.write(HEADER + "\n")
            out.write('536365,71053,"' + "X" * (1 << 20) + '",6,12/1/2010 8:26,2.55,17850,United Kingdom\n')
            out.write("536366,71053," + "Y" * 100000 + ",6,12/1/2010 8:26,2.55,17850,United Kingdom\n")
        return path, None
    if name == "@directory":
        path = os.path.join(work, "a_directory.csv")
        os.makedirs(path, exist_ok=True)
        return path, None
    if name == "@nonexistent":
        return os.path.join(work, "no_such_file.csv"), None
    if name == "@unreadable":
        path = os.path.join(work, "unreadable.csv")
        with open(path, "w") as out:
            out.write(HEADER + "\n536365,71053,X,6,12/1/2010 8:26,2.55,17850,United Kingdom\n")
        os.chmod(path, 0)
        return path, None
    raise ValueError("unknown special case " + name)


def as_nobody(command):
    """The command run as user nobody (root reads every file, so permissions need another user)."""
    if os.geteuid() != 0:
        return command, None
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None, "running as root and setpriv is missing"
    probe = subprocess.run([setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups", command[0],
                            "--version"], capture_output=True)
    if probe.returncode != 0:
        return None, "user nobody cannot run " + command[0] + " (" + probe.stderr.decode(errors="replace").strip() + ")"
    return [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"] + command, None


def check_counts(expect, stdout, problems):
    try:
        summary = json.loads(stdout)
    except ValueError:
        problems.append("stdout is not JSON")
        return
    wanted = dict(item.split("=", 1) for item in expect.split())
    rejected = summary.get("rejected", {})
    nested = summary.get("input", {})
    for key, value in wanted.items():
        if key in summary:
            got = summary[key]
        elif key in rejected:
            got = rejected[key]
        elif key in nested:
            got = nested[key]
        else:
            problems.append("no '%s' in the summary" % key)
            continue
        if str(got).lower() != value.lower():
            problems.append("%s=%s, expected %s" % (key, got, value))
    if "rows_read" in summary:
        for reason in REASONS:
            if reason not in wanted and rejected.get(reason, 0) != 0:
                problems.append("%s=%s, expected 0" % (reason, rejected.get(reason)))
        total = sum(rejected.get(reason, 0) for reason in REASONS)
        if summary["rows_read"] != summary["rows_accepted"] + total:
            problems.append("rows_read %s != accepted %s + rejected %s" %
                            (summary["rows_read"], summary["rows_accepted"], total))
        if summary.get("rows_rejected", total) != total:
            problems.append("rows_rejected %s != sum of reasons %s" % (summary["rows_rejected"], total))


def check_rejects(expect, path, problems):
    if not os.path.exists(path):
        problems.append("no rejects file")
        return
    with open(path, newline="", encoding="utf-8", errors="replace") as handle:
        rows = list(csv.DictReader(handle))
    got = ["%s:%s:%s" % (row["line"], row["reason"], row["field"]) for row in rows]
    if got != expect.split():
        problems.append("rejects %s, expected %s" % (" ".join(got), expect))


def run_case(binary, corpus, work, index, fields):
    case, command, exit_code, expect = fields[:4]
    rejects = fields[4] if len(fields) > 4 else ""
    out = os.path.join(work, "out_%d" % index)
    if case.startswith("@"):
        path, skip = make_special(case, work)
    else:
        path, skip = os.path.join(corpus, case), None
    # {copy}: a copy of the case in the work folder, which the command must leave as it was
    # (cases that would write over their input never touch the corpus); {symlink} and
    # {hardlink}: a symbolic and a hard link to that copy; {corpus}: the corpus folder.
    copy = None
    if "{copy}" in command:
        copy = os.path.join(work, "copy_%d" % index, os.path.basename(path))
        os.makedirs(os.path.dirname(copy))
        shutil.copyfile(path, copy)
        os.symlink(copy, copy + ".symlink")
        os.link(copy, copy + ".hardlink")
        path = copy
        with open(copy, "rb") as handle:
            original = handle.read()
    arguments = [argument.replace("{out}", out).replace("{corpus}", corpus)
                 for argument in command.split()]
    if copy is not None:
        arguments = [argument.replace("{copy}", copy).replace("{symlink}", copy + ".symlink")
                     .replace("{hardlink}", copy + ".hardlink") for argument in arguments]
    arguments = [path if argument == "{}" else argument for argument in arguments]
    full = [binary] + arguments
    rejects_path = os.path.join(work, "rejects_%d.csv" % index)
    if rejects:
        full += ["--rejects", rejects_path]
    if case == "@unreadable":
        os.chmod(work, 0o755)
        full, skip = as_nobody(full)
        if skip is None:
            out_dir = os.path.dirname(out)
            os.chmod(out_dir, 0o777)
    if skip is not None:
        return "SKIP", skip
    result = subprocess.run(full, capture_output=True, timeout=300)
    stdout = result.stdout.decode("utf-8", errors="replace")
    stderr = result.stderr.decode("utf-8", errors="replace")
    problems = []
    if result.returncode != int(exit_code):
        problems.append("exit %d, expected %s" % (result.returncode, exit_code))
    if result.returncode < 0 or result.returncode >= 70:
        problems.append("crashed or internal error")
    kind, _, spec = expect.partition(" ")
    if kind == "counts":
        # "counts k=v ... || A | B": the counts, and substrings stderr must contain.
        spec, _, also = spec.partition(" || ")
        check_counts(spec, stdout, problems)
        for needle in filter(None, (item.strip() for item in also.split(" | "))):
            if needle.replace("{file}", path) not in stderr:
                problems.append("stderr lacks '%s'" % needle)
    elif kind == "error":
        for needle in spec.split(" | "):
            needle = needle.strip().replace("{file}", path)
            if needle not in stderr:
                problems.append("stderr lacks '%s'" % needle)
    else:
        problems.append("bad expect column: " + expect)
    if rejects:
        check_rejects(rejects, rejects_path, problems)
    if copy is not None:
        with open(copy, "rb") as handle:
            if handle.read() != original:
                problems.append("the input was changed")
    if problems:
        last = stderr.strip().splitlines()[-1:] if stderr.strip() else [""]
        return "FAIL", "; ".join(problems) + " | stderr: " + last[0][:300]
    return "PASS", ""


def main():
    binary, corpus = sys.argv[1], sys.argv[2]
    with open(os.path.join(corpus, "expected.tsv"), encoding="utf-8") as handle:
        cases = [line.rstrip("\n").split("\t") for line in handle if line.strip() and not line.startswith("#")]
    work = tempfile.mkdtemp(prefix="segcast-bad-inputs-")
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    print("%-4s %-36s %-40s %4s  %s" % ("", "case", "command", "exit", "result"))
    try:
        for index, fields in enumerate(cases, 1):
            status, note = run_case(binary, corpus, work, index, fields)
            counts[status] += 1
            command = fields[1].split("{}")[0].strip()
            print("%-4d %-36s %-40s %4s  %s %s" % (index, fields[0], command[:40], fields[2], status, note))
    finally:
        for root, folders, _ in os.walk(work):
            for folder in folders:
                os.chmod(os.path.join(root, folder), 0o755)
        shutil.rmtree(work, ignore_errors=True)
    print("bad inputs: %d cases, %d passed, %d failed, %d skipped" %
          (len(cases), counts["PASS"], counts["FAIL"], counts["SKIP"]))
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
