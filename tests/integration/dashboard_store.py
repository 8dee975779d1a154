#!/usr/bin/env python3
"""A run served from the store alone answers like the same run served from its folder.

Writes two runs of the bundled sample with `segcast run -o OUT --db STORE` (the second aligned
with the first), starts `segcast serve OUT` and `segcast serve --db STORE` on free loopback ports,
and compares every endpoint's answer byte for byte: KPIs, segments, re-clusterings (k, metric),
forecasts, migration, customer pages / search / CSV export, one customer, neighbours. The only
fields allowed to differ are a re-clustering's measured times (seconds, timings) and, in
/api/runs, where each run comes from (source) and its created_at.

usage: dashboard_store.py SEGCAST_BIN SAMPLE WORKDIR STORE
"""
import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request


def run(binary, sample, out, store, *extra):
    command = [binary, "run", sample, "-o", out, "--db", store, "-k", "3", "--no-backtest",
               "--seed", "7", "--threads", "2", "-q", "--json", *extra]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"FAIL: segcast run exited {done.returncode}: {done.stderr}")
    return json.loads(done.stdout)["run_id"]


def serve(binary, *arguments):
    process = subprocess.Popen([binary, "serve", "--port", "0", "--threads", "2", *arguments],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    if "listening on http://" not in line:
        process.kill()
        sys.exit(f"FAIL: segcast serve did not start: {line!r}")
    return process, line.split("listening on ")[1].strip().rstrip("/")


def get(base, path):
    try:
        with urllib.request.urlopen(base + path, timeout=120) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def without_times(body):
    value = json.loads(body)
    value.pop("seconds", None)
    value.pop("timings", None)
    return json.dumps(value, sort_keys=True)


def endpoints(base, run_id):
    prefix = f"/api/runs/{run_id}"
    _, _, body = get(base, prefix + "/segments")
    segment = json.loads(body)["segments"][1]["segment_id"]
    _, _, body = get(base, f"{prefix}/segments/{segment}/customers")
    customer = urllib.parse.quote(json.loads(body)["customers"][1]["customer_id"])
    return [
        prefix + "/kpis", prefix + "/segments", prefix + "/segments?k=4&metric=euclidean",
        prefix + "/segments?k=5&metric=dtw", prefix + "/segments?k=2", prefix + "/forecasts",
        prefix + "/migration", f"{prefix}/segments/{segment}/customers",
        f"{prefix}/segments/{segment}/customers?page=2&page_size=9",
        f"{prefix}/segments/{segment}/customers?q=united",
        f"{prefix}/segments/{segment}/customers.csv",
        prefix + "/segments/3/customers?k=5&metric=dtw&page_size=25",
        prefix + "/segments/1/customers.csv?k=4&metric=euclidean",
        f"{prefix}/customers/{customer}", f"{prefix}/customers/{customer}?k=4&metric=euclidean",
        f"{prefix}/customers/{customer}/neighbours?n=5",
        f"{prefix}/customers/{customer}/neighbours?n=1",
    ]


def main():
    binary, sample, work, store = sys.argv[1:5]
    out = f"{work}/out"
    first = run(binary, sample, out, store, "--as-of", "2011-09-01")
    second = run(binary, sample, out, store, "--previous", first)
    folder, folder_base = serve(binary, out)
    stored, stored_base = serve(binary, "--db", store)
    failures, compared = [], 0
    try:
        paths = ["/api/runs/latest/kpis"] + endpoints(folder_base, second) + endpoints(folder_base, first)
        for path in paths:
            a_status, a_headers, a_body = get(folder_base, path)
            b_status, b_headers, b_body = get(stored_base, path)
            compared += 1
            same_headers = all(a_headers.get(name) == b_headers.get(name)
                               for name in ("Content-Type", "Content-Disposition"))
            if "segments?k=" in path:
                same_body = a_status == 200 and without_times(a_body) == without_times(b_body)
            else:
                same_body = a_body == b_body
            if a_status != b_status or not same_headers or not same_body:
                failures.append(f"{path}: folder {a_status} {len(a_body)} B, store {b_status} {len(b_body)} B")
        _, _, a_runs = get(folder_base, "/api/runs")
        _, _, b_runs = get(stored_base, "/api/runs")
        a_list, b_list = json.loads(a_runs)["runs"], json.loads(b_runs)["runs"]
        if [r["source"] for r in a_list] != ["folder"] * 2 or [r["source"] for r in b_list] != ["store"] * 2:
            failures.append(f"/api/runs sources: {a_runs!r} {b_runs!r}")
        for entry in a_list + b_list:
            entry.pop("source")
            entry.pop("created_at")
        if a_list != b_list:
            failures.append(f"/api/runs differ beyond source and created_at: {a_list} {b_list}")
        status, headers, _ = get(stored_base, "/")
        if status == 200 and "default-src 'self'" not in headers.get("Content-Security-Policy", ""):
            failures.append("GET / has no Content-Security-Policy")
    finally:
        for process in (folder, stored):
            process.terminate()
            process.wait(timeout=30)
    for failure in failures:
        print("FAIL:", failure)
    print(f"{compared} endpoints compared (runs {first} and {second}), {len(failures)} differences")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
