#!/usr/bin/env bash
# Evidence for the default scaling of the LRFM panel: for each scaling (with and without log1p of F
# and M), the k = 2..8 DTW sweep (silhouette per k, in that scaling's own space) and a k = 4 fit
# whose segments are scored on unscaled business quantities: the share of the variance of
# log(1 + total revenue), log(1 + invoices) and the final recency explained by the segments (eta^2).
#   scripts/bench/studies/scaling_evidence.sh SEGCAST_BIN TRANSACTIONS.csv.gz OUT_DIR
set -euo pipefail
bin=$1
log=$2
out=$3
mkdir -p "$out"
"$bin" panel "$log" -o "$out/panel" 2>/dev/null
for scaling in feature-minmax series-minmax znorm none; do
  for log1p in --log1p --no-log1p; do
    name="$scaling${log1p/--log1p/+log1p}"
    name="${name/--no-log1p/}"
    "$bin" segment "$log" --k-range 2..8 --seed 1 --scaling "$scaling" "$log1p" -o "$out/$name/sweep" 2>/dev/null
    "$bin" segment "$log" -k 4 --seed 1 --scaling "$scaling" "$log1p" -o "$out/$name/k4" 2>/dev/null
  done
done
/usr/bin/python3 - "$out" <<'PY'
import json, os, sys
import numpy as np
import pandas as pd
out = sys.argv[1]
panel = pd.read_csv(os.path.join(out, "panel", "lrfm.csv"), dtype={"customer_id": str})
per = panel.groupby("customer_id").agg(M=("M", "sum"), F=("F", "sum"), R=("R", "last"))
def eta2(values, labels):
    total = ((values - values.mean()) ** 2).sum()
    between = sum(len(g) * (g.mean() - values.mean()) ** 2 for _, g in values.groupby(labels))
    return between / total
print("| scaling | best k | silhouette at best k | silhouette k=4 | eta² log total M (k=4) | eta² log invoices (k=4) | eta² final R (k=4) | k=4 segment sizes |")
print("|---|---|---|---|---|---|---|---|")
for name in sorted(d for d in os.listdir(out) if d != "panel"):
    summary = json.load(open(os.path.join(out, name, "sweep", "summary.json")))
    rows = {r["k"]: r for r in summary["k_selection"]}
    best = summary["best_k"]
    a = pd.read_csv(os.path.join(out, name, "k4", "assignments.csv"), dtype={"id": str}).set_index("id")
    joined = per.join(a, how="inner")
    labels = joined["segment"]
    sizes = sorted(labels.value_counts().tolist(), reverse=True)
    print(f"| {name} | {best} | {rows[best]['silhouette']:.3f} | {rows[4]['silhouette']:.3f} | "
          f"{eta2(np.log1p(joined['M']), labels):.3f} | {eta2(np.log1p(joined['F']), labels):.3f} | "
          f"{eta2(joined['R'], labels):.3f} | {sizes} |")
PY
