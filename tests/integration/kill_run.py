#!/usr/bin/python3
"""Crash safety of `segcast run` (driven by kill_run.sh; docs/reliability.md, "Crash safety").

A first run on the bundled sample completes. Then runs with another as-of date are SIGKILLed at many
points, and after every kill the output folder and the store must be exactly what they were before,
or, once the store transaction has committed (the run's commit point), hold the new run complete:

  - every earlier run's folder OUT/runs/<id> and model OUT/models/<id> are byte-identical (SHA-256
    of every file);
  - OUT/latest resolves to a complete run folder (the previous one; the new one only after commit);
  - the SQLite store passes PRAGMA integrity_check and foreign_key_check, has no orphan rows, and
    every earlier run's rows are identical (digest of every table); the killed run is absent, or
    after commit present with exactly the rows of a complete run;
  - no stale lock stops the next run: the same command re-run at once succeeds, gives the same
    segments as an undisturbed run, and leaves no staging or temporary entry behind.

Kill points: the per-stage log lines on stderr (ingest ... outputs), system calls of the output
phase (every rename, fsync, symlink; writes of the SQLite journal; the removal of the replaced
folder), injected with strace (`-e inject=SYSCALL:signal=KILL:when=N`, on entry to the call), and
random delays. Runs with a new run id and runs replacing an existing run id are both killed.

Environment: SEGCAST_BIN (required), SEGCAST_SOURCE_DIR, SEGCAST_KILL_RANDOM (random-delay kills,
default 6), SEGCAST_KILL_SEED (seed of the delays; default: random, printed),
SEGCAST_KILL_SYSCALLS=0 to skip the strace points. Exit 0: every kill point survived.
"""
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.environ.get("SEGCAST_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
import store_check  # noqa: E402

BIN = os.environ["SEGCAST_BIN"]
SAMPLE = os.path.join(ROOT, "data", "online_retail_sample.csv.gz")
STAGES = ["ingest", "panel", "scale", "cluster", "personas", "align", "forecast", "outputs"]
# Files of a run folder that carry the results (no timings): a complete run must reproduce them.
CONTENT_FILES = ["assignments.csv", "segments.csv", "centroids.csv", "forecast.csv", "rfm.csv",
                 "lrfm.csv"]
# System calls of the output phase; all are made by the main thread only (checked on the trace).
TRACED = ["rename", "renameat", "renameat2", "fsync", "fdatasync", "pwrite64", "unlink",
          "unlinkat", "rmdir", "symlink", "symlinkat"]
LITTER = re.compile(r"^\.(staging-|old-|tmp-)|\.tmp\.\d+$")


class Failure(Exception):
    pass


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def tree(path):
    """{relative path: sha256 or 'link:target'} of everything under path; None when missing."""
    if not os.path.lexists(path):
        return None
    found = {}
    for folder, directories, names in os.walk(path):
        for name in names + directories:
            full = os.path.join(folder, name)
            relative = os.path.relpath(full, path)
            if os.path.islink(full):
                found[relative] = "link:" + os.readlink(full)
            elif os.path.isfile(full):
                found[relative] = sha256(full)
    return found


def model_content(path):
    """model.json without its run id (the rest is the fitted model)."""
    with open(path) as handle:
        model = json.load(handle)
    model.pop("run_id", None)
    return model


class Harness:
    def __init__(self, work):
        self.out = os.path.join(work, "out")
        self.db = os.path.join(self.out, "segcast.db")
        self.work = work
        self.references = {}  # as-of key -> {"files": {name: sha}, "model": dict, "counts": dict}
        self.snapshot = None
        self.survived = 0
        self.after_commit = 0
        self.not_reached = 0
        self.log = []

    def note(self, line):
        self.log.append(line)
        print(line, flush=True)

    def command(self, run_id, as_of):
        command = [BIN, "run", SAMPLE, "-o", self.out, "--threads", "2", "-k", "3", "--run-id", run_id]
        return command + (["--as-of", as_of] if as_of else [])

    def run_dir(self, run_id):
        return os.path.join(self.out, "runs", run_id)

    def model_dir(self, run_id):
        return os.path.join(self.out, "models", run_id)

    def content(self, run_id):
        folder = self.run_dir(run_id)
        return {name: sha256(os.path.join(folder, name)) for name in CONTENT_FILES}

    def take_snapshot(self):
        store = store_check.inspect(self.db)
        self.snapshot = {
            "store": store,
            "runs": {run_id: tree(self.run_dir(run_id)) for run_id in store["runs"]},
            "models": {run_id: tree(self.model_dir(run_id)) for run_id in store["runs"]},
            "latest": os.readlink(os.path.join(self.out, "latest")),
        }

    def complete_run(self, run_id, as_of, wrapper=()):
        """Runs to the end; checks the result against the reference of its as-of date."""
        started = time.monotonic()
        result = subprocess.run(list(wrapper) + self.command(run_id, as_of), capture_output=True,
                                text=True)
        seconds = time.monotonic() - started
        if result.returncode != 0:
            raise Failure("run %s (as of %s) failed with exit %d: %s" %
                          (run_id, as_of, result.returncode, result.stderr[-2000:]))
        store = store_check.inspect(self.db)
        key = as_of or "default"
        reference = self.references.get(key)
        made = {"files": self.content(run_id),
                "model": model_content(os.path.join(self.model_dir(run_id), "model.json")),
                "counts": store["runs"][run_id]["counts"]}
        if reference is None:
            self.references[key] = made
        elif made != reference:
            raise Failure("run %s differs from an undisturbed run with the same as-of date" % run_id)
        if os.readlink(os.path.join(self.out, "latest")) != os.path.join("runs", run_id):
            raise Failure("latest does not point at runs/%s after it completed" % run_id)
        litter = [os.path.join(folder, name) for folder, directories, names in os.walk(self.out)
                  for name in names + directories if LITTER.search(name)]
        if litter:
            raise Failure("a completed run left staging or temporary entries: %s" % litter)
        self.take_snapshot()
        return seconds

    def check_after_kill(self, run_id, as_of, label):
        """The invariants of the module docstring; returns 'before' or 'after' (the commit)."""
        before = self.snapshot
        store = store_check.inspect(self.db)
        problems = []
        if store["integrity"] != ["ok"]:
            problems.append("integrity_check: %s" % store["integrity"])
        if store["foreign_key_violations"] or store["orphan_rows"]:
            problems.append("%d foreign-key violations, %d orphan rows" %
                            (store["foreign_key_violations"], store["orphan_rows"]))
        extra = set(store["runs"]) - set(before["store"]["runs"]) - {run_id}
        if extra:
            problems.append("unexpected runs in the store: %s" % sorted(extra))
        for other, summary in before["store"]["runs"].items():
            if other != run_id and store["runs"].get(other) != summary:
                problems.append("rows of run %s changed" % other)
        old_rows = before["store"]["runs"].get(run_id)
        new_rows = store["runs"].get(run_id)
        committed = new_rows is not None and new_rows != old_rows
        reference = self.references[as_of or "default"]
        if committed and new_rows["counts"] != reference["counts"]:
            problems.append("run %s is in the store but incomplete: %s" % (run_id, new_rows["counts"]))
        for other in before["runs"]:
            if other == run_id:
                continue
            if tree(self.run_dir(other)) != before["runs"][other]:
                problems.append("files of runs/%s changed" % other)
            if tree(self.model_dir(other)) != before["models"][other]:
                problems.append("files of models/%s changed" % other)
        # The run being written: untouched before the commit; old or complete new after it.
        run_tree, model_tree = tree(self.run_dir(run_id)), tree(self.model_dir(run_id))
        old_run, old_model = before["runs"].get(run_id), before["models"].get(run_id)
        if run_tree != old_run:
            if not committed:
                problems.append("runs/%s changed although the store did not commit" % run_id)
            elif run_tree is None or self.content(run_id) != reference["files"]:
                problems.append("runs/%s is neither the old folder nor a complete new one" % run_id)
        if model_tree != old_model:
            if not committed:
                problems.append("models/%s changed although the store did not commit" % run_id)
            elif model_tree is None or not os.path.isfile(
                    os.path.join(self.model_dir(run_id), "model.json")) or model_content(
                    os.path.join(self.model_dir(run_id), "model.json")) != reference["model"]:
                problems.append("models/%s is neither the old model nor the new one" % run_id)
        latest = os.path.join(self.out, "latest")
        target = os.readlink(latest) if os.path.islink(latest) else None
        allowed = {before["latest"]} | ({os.path.join("runs", run_id)} if committed else set())
        if target not in allowed or not os.path.isfile(os.path.join(latest, "manifest.json")):
            problems.append("latest -> %s (allowed: %s)" % (target, sorted(allowed)))
        if problems:
            raise Failure("after the kill %s: %s" % (label, "; ".join(problems)))
        return "after" if committed else "before"

    def kill_point(self, label, run_id, as_of, mode, argument):
        """One kill, the checks, and the re-run."""
        log_path = os.path.join(self.work, "killed.err")
        command = self.command(run_id, as_of)
        if mode == "syscall":
            name, number = argument
            command = ["strace", "-f", "-qq", "-o", os.devnull, "-e", "trace=" + name, "-e",
                       "inject=%s:signal=KILL:when=%d" % (name, number)] + command
        with open(log_path, "wb") as log:
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if mode == "line":
                pattern = re.compile(r"^segcast run: %s: " % argument)
                for raw in process.stderr:
                    log.write(raw)
                    if pattern.search(raw.decode("utf-8", "replace")):
                        process.send_signal(signal.SIGKILL)
                        break
            elif mode == "delay":
                try:
                    process.wait(timeout=argument)
                except subprocess.TimeoutExpired:
                    process.send_signal(signal.SIGKILL)
            log.write(process.stderr.read())
            status = process.wait()
        if status != -signal.SIGKILL:
            # strace reports a tracee killed by a signal by dying of the same signal.
            self.not_reached += 1
            self.note("%-44s not reached (exit %d)" % (label, status))
            if status != 0:
                raise Failure("%s: the run failed instead of being killed (exit %d): %s" %
                              (label, status, open(log_path, errors="replace").read()[-2000:]))
            self.complete_check_only(run_id, as_of)
            return
        phase = self.check_after_kill(run_id, as_of, label)
        rerun = self.complete_run(run_id, as_of)
        self.survived += 1
        self.after_commit += phase == "after"
        self.note("%-44s killed, %s the store commit; checks passed; re-run %.2f s" %
                  (label, phase, rerun))

    def complete_check_only(self, run_id, as_of):
        # The run finished on its own: it must be a correct complete run.
        key = as_of or "default"
        if self.content(run_id) != self.references[key]["files"]:
            raise Failure("a run that finished differs from the reference")
        self.take_snapshot()


def trace_counts(harness, run_id, as_of):
    """Completes a run under strace; returns {syscall: [labels of the main thread's calls]}."""
    trace = os.path.join(harness.work, "trace.txt")
    harness.complete_run(run_id, as_of, wrapper=["strace", "-f", "-y", "-qq", "-o", trace, "-e",
                                                  "trace=" + ",".join(TRACED)])
    calls, threads = {}, {}
    main_pid = None
    with open(trace, errors="replace") as handle:
        for line in handle:
            match = re.match(r"^(\d+)\s+(\w+)\((.*)", line)
            if not match:
                continue
            pid, name, rest = int(match.group(1)), match.group(2), match.group(3)
            main_pid = main_pid or pid
            threads.setdefault(name, set()).add(pid)
            if pid == main_pid:
                paths = re.findall(r'"([^"]*)"|<([^>]*)>', rest)
                keep = 2 if name.startswith(("rename", "symlink")) else 1
                shown = [os.path.basename(a or b) for a, b in paths][:keep]
                calls.setdefault(name, []).append(" ".join(shown))
    # Injection counts calls per thread: keep the system calls only the main thread makes.
    return {name: labels for name, labels in calls.items() if threads[name] == {main_pid}}


def syscall_points(calls):
    points = []
    for name, labels in sorted(calls.items()):
        if name == "pwrite64":
            count = len(labels)
            numbers = sorted({1, 2, max(1, count // 4), max(1, count // 2), max(1, 3 * count // 4),
                              max(1, count - 1), count})
        elif name in ("unlink", "unlinkat", "rmdir"):
            numbers = sorted({1, max(1, len(labels) // 2), len(labels)})
        else:
            numbers = range(1, len(labels) + 1)
        for number in numbers:
            points.append((name, number, labels[number - 1]))
    return points


def main():
    work = tempfile.mkdtemp(prefix="segcast-kill.")
    harness = Harness(work)
    seed = int(os.environ.get("SEGCAST_KILL_SEED") or random.SystemRandom().randrange(1 << 30))
    random_kills = int(os.environ.get("SEGCAST_KILL_RANDOM", "6"))
    use_strace = os.environ.get("SEGCAST_KILL_SYSCALLS", "1") != "0" and shutil.which("strace")
    generator = random.Random(seed)
    november = "2011-11-01"
    try:
        first = harness.complete_run("base", None)
        print("first run (as of the day after the last purchase): %.2f s" % first, flush=True)
        counter = 0

        def fresh_id():
            nonlocal counter
            counter += 1
            return "k%d" % counter

        # Reference of the kill configuration, and the system calls of its output phase.
        if use_strace:
            fresh_calls = trace_counts(harness, fresh_id(), november)
        else:
            harness.complete_run(fresh_id(), november)
        seconds = harness.complete_run(fresh_id(), november)
        print("undisturbed run as of %s: %.2f s" % (november, seconds), flush=True)

        for stage in STAGES:
            harness.kill_point("new id, line '%s:'" % stage, fresh_id(), november, "line", stage)
        for index in range(random_kills):
            delay = round(generator.uniform(0.05, seconds), 3)
            harness.kill_point("new id, after %.3f s" % delay, fresh_id(), november, "delay", delay)
        if use_strace:
            for name, number, label in syscall_points(fresh_calls):
                harness.kill_point("new id, %s #%d %s" % (name, number, label)[:44], fresh_id(),
                                   november, "syscall", (name, number))
            # Replacing run "base" with other contents (and back): the exchange of folders.
            replace_calls = trace_counts(harness, "base", november)
            base_as_of = november
            for name, number, label in syscall_points(replace_calls):
                as_of = None if base_as_of == november else november
                harness.kill_point("replace, %s #%d %s" % (name, number, label)[:44], "base",
                                   as_of, "syscall", (name, number))
                base_as_of = as_of  # after the re-run, base holds this as-of date's run
        else:
            harness.complete_run("base", november)
            base_as_of = november
        for stage in STAGES:
            as_of = None if base_as_of == november else november
            harness.kill_point("replace, line '%s:'" % stage, "base", as_of, "line", stage)
            base_as_of = as_of
    except Failure as failure:
        print("FAIL: %s (seed %d; work folder kept: %s)" % (failure, seed, work))
        return 1
    print("kill points survived: %d (%d after the store commit, %d before); %d points not reached "
          "because the run finished first; random-delay seed %d" %
          (harness.survived, harness.after_commit, harness.survived - harness.after_commit,
           harness.not_reached, seed))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
