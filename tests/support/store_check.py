#!/usr/bin/python3
"""Inspects a segcast SQLite store and prints one JSON object: PRAGMA integrity_check, foreign-key
violations, rows whose run is missing (orphans), and per run the row count of every table and a
SHA-256 digest of its rows in key order. Used by the crash, concurrency and determinism tests.

  store_check.py out/segcast.db                   # full digests
  store_check.py out/segcast.db --volatile        # runs.created_at and the timing keys of
                                                  # runs.manifest_json left out of the digests

Reads through Python's sqlite3 module (the same libsqlite3 segcast links); a store left by a killed
process is opened normally, so SQLite rolls back any transaction that never committed.
"""
import argparse
import hashlib
import json
import sqlite3
import sys

TABLES = ["runs", "customers", "assignments", "segments", "centroids", "forecasts", "migrations",
          "customer_moves"]
# Fields that legitimately differ between two runs of the same job: when the run was made, how long
# each stage took and how many threads it was given. tests/support/compare_outputs.py lists the
# same keys for manifest.json.
MANIFEST_VOLATILE = ["seconds", "threads"]


def scrub_manifest(text):
    manifest = json.loads(text)
    for key in MANIFEST_VOLATILE:
        manifest.pop(key, None)
    for timing in manifest.get("timings", []):
        timing.pop("seconds", None)
    return json.dumps(manifest, sort_keys=True)


def inspect(database, volatile=False):
    """The report described at the top of this file, as a dict."""
    connection = sqlite3.connect(database, timeout=30)
    try:
        report = {
            "integrity": [row[0] for row in connection.execute("PRAGMA integrity_check")],
            "foreign_key_violations": len(connection.execute("PRAGMA foreign_key_check").fetchall()),
            "runs": {},
        }
        orphans = 0
        for table in TABLES[1:]:
            orphans += connection.execute(
                "SELECT COUNT(*) FROM %s WHERE run_id NOT IN (SELECT run_id FROM runs)" % table
            ).fetchone()[0]
        report["orphan_rows"] = orphans
        run_ids = [row[0] for row in connection.execute("SELECT run_id FROM runs ORDER BY run_id")]
        for run_id in run_ids:
            counts, digest = {}, hashlib.sha256()
            for table in TABLES:
                cursor = connection.execute("SELECT * FROM %s WHERE run_id = ?" % table, (run_id,))
                names = [column[0] for column in cursor.description]
                rows = []
                for row in cursor:
                    row = list(row)
                    if volatile and table == "runs":
                        row[names.index("created_at")] = None
                        manifest = names.index("manifest_json")
                        row[manifest] = scrub_manifest(row[manifest])
                    rows.append(repr(row))
                rows.sort()
                counts[table] = len(rows)
                digest.update(table.encode())
                for row in rows:
                    digest.update(row.encode())
                    digest.update(b"\n")
            report["runs"][run_id] = {"counts": counts, "digest": digest.hexdigest()}
        return report
    finally:
        connection.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("database")
    parser.add_argument("--volatile", action="store_true",
                        help="leave run-specific fields (created_at, timings, threads) out")
    args = parser.parse_args()
    json.dump(inspect(args.database, args.volatile), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
