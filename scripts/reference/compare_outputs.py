#!/usr/bin/python3
"""Compares segcast's rfm.csv / lrfm.csv with the reference's: identical keys, counts and days
exact, money within 1e-9 relative. Exit 0 when identical, 1 with the first differences otherwise.

    /usr/bin/python3 scripts/reference/compare_outputs.py SEGCAST_DIR REFERENCE_DIR [rfm.csv lrfm.csv]
"""
import sys

import numpy as np
import pandas as pd

TOLERANCE = 1e-9
SPECS = {
    "rfm.csv": (["customer_id"], ["recency", "frequency", "first_purchase", "last_purchase", "country"],
                ["monetary"]),
    "lrfm.csv": (["customer_id", "month"], ["L", "R", "F"], ["M"]),
}


def compare(name, ours_dir, reference_dir):
    keys, exact, money = SPECS[name]
    read = lambda d: pd.read_csv(f"{d}/{name}", dtype=str, keep_default_na=False)
    ours, ref = read(ours_dir), read(reference_dir)
    problems = []
    if len(ours) != len(ref):
        problems.append(f"{name}: {len(ours)} rows vs {len(ref)} in the reference")
    if list(ours[keys].itertuples(index=False)) != list(ref[keys].itertuples(index=False)):
        merged = ours[keys].merge(ref[keys], how="outer", indicator=True)
        extra = merged[merged["_merge"] != "both"].head(5)
        problems.append(f"{name}: keys differ (in order or content), e.g.\n{extra}")
        return problems
    for column in exact:
        a = ours[column]
        b = ref[column]
        if column in ("L", "R", "F", "recency", "frequency"):
            a = a.astype(float)
            b = b.astype(float)
        bad = a != b
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            problems.append(f"{name}: {int(bad.sum())} rows differ in {column}, first {ours.iloc[i].to_dict()} "
                            f"vs {ref.iloc[i].to_dict()}")
    for column in money:
        a = ours[column].astype(float).to_numpy()
        b = ref[column].astype(float).to_numpy()
        scale = np.maximum(np.abs(a), np.abs(b))
        bad = np.abs(a - b) > TOLERANCE * scale
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            problems.append(f"{name}: {int(bad.sum())} rows differ in {column} beyond {TOLERANCE} relative, "
                            f"first {ours.iloc[i].to_dict()} vs {ref.iloc[i].to_dict()}")
        else:
            worst = float(np.max(np.abs(a - b) / np.where(scale > 0, scale, 1))) if len(a) else 0.0
            print(f"{name}: {column} worst relative difference {worst:.3g}")
    if not problems:
        print(f"{name}: {len(ours)} rows identical ({', '.join(exact)} exact; {', '.join(money)} within {TOLERANCE})")
    return problems


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    names = sys.argv[3:] or ["rfm.csv", "lrfm.csv"]
    problems = []
    for name in names:
        problems += compare(name, sys.argv[1], sys.argv[2])
    for problem in problems:
        print("DIFFERENCE:", problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
