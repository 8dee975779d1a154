#!/usr/bin/python3
"""Independent pandas/numpy reference of segcast's ingest rules, static RFM and monthly LRFM panel.

It implements docs/definitions.md from the text, sharing no code with the C++ library, so that
tests/integration/reference_diff.sh can compare the two outputs (counts and days exactly, money to
1e-9 relative). Run it with Debian's interpreter, which has python3-pandas:

    /usr/bin/python3 scripts/reference/lrfm_reference.py LOG.csv.gz -o OUTDIR [--as-of YYYY-MM-DD]
        [--window N] [--pre-acquisition absent|zero] [--schema NAME] [--date-order auto|dmy|mdy|ymd]
        [--latest-date YYYY-MM-DD]

Writes OUTDIR/rfm.csv, OUTDIR/lrfm.csv (same columns as `segcast rfm` / `segcast panel`) and
OUTDIR/summary.json (row accounting). Scope: well-formed CSV (pandas' C parser; a row with too many
fields stops it, too few are counted as malformed), the three presets; no joins.
"""
import argparse
import datetime
import json
import os
import sys
import time

import numpy as np
import pandas as pd

PRESETS = {
    "online-retail-ii": dict(customer="Customer ID", date="InvoiceDate", invoice="Invoice",
                             quantity="Quantity", price="Price", amount=None, status=None,
                             country="Country", cancel_prefix="C"),
    "online-retail": dict(customer="CustomerID", date="InvoiceDate", invoice="InvoiceNo",
                          quantity="Quantity", price="UnitPrice", amount=None, status=None,
                          country="Country", cancel_prefix="C"),
    "kpmg": dict(customer="customer_id", date="transaction_date", invoice="transaction_id",
                 quantity=None, price=None, amount="list_price", status="order_status",
                 country=None, cancel_prefix=""),
}
REASONS = ["malformed_row", "missing_customer", "cancelled", "unparseable_number",
           "non_positive_quantity", "negative_price", "zero_price", "unparseable_date",
           "future_date", "duplicate", "cancelled_by_later_invoice"]
EPOCH = pd.Timestamp("1970-01-01")


def detect(header):
    names = [h.strip(" \t") for h in header]
    hits = [name for name, preset in PRESETS.items()
            if all(preset[role] in names for role in ("customer", "date", "invoice", "quantity",
                                                       "price", "amount", "status") if preset[role])]
    if len(hits) != 1:
        sys.exit(f"reference: cannot choose a schema from {names}: {hits}")
    return hits[0]


def strip(series):
    return series.str.strip(" \t")


def per_unique(series, function, fill):
    """function applied to each distinct value only (logs repeat values a lot); NaN -> fill."""
    codes, uniques = pd.factorize(series)
    values = np.asarray(function(pd.Series(uniques, dtype=object)), dtype=object if fill == "" else float)
    out = values[codes]
    out[codes < 0] = fill
    return out


TIME = r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?: ?([AaPp][Mm]))?)?$"


def civil_day(year, month, day):
    """Days since 1970-01-01 of a real date in 1400-01-01 .. 9999-12-31 (segcast's calendar range,
    wider than pandas' timestamps), else NaN."""
    if not 1400 <= year <= 9999:
        return np.nan
    try:
        return float((datetime.date(year, month, day) - datetime.date(1970, 1, 1)).days)
    except ValueError:
        return np.nan


def readings(parts, y, m, d):
    """Day numbers of the extracted parts read as (year, month, day) columns y, m, d; NaN where the
    date or the time is not real (hour 1-12 with AM/PM, else 0-23)."""
    hour = pd.to_numeric(parts[3]).fillna(0)
    minute = pd.to_numeric(parts[4]).fillna(0)
    second = pd.to_numeric(parts[5]).fillna(0)
    twelve = parts[6].notna()
    good_time = ((minute <= 59) & (second <= 60) &
                 ((~twelve & (hour <= 23)) | (twelve & (hour >= 1) & (hour <= 12))))
    days = pd.Series([civil_day(int(a), int(b), int(c)) for a, b, c in zip(parts[y], parts[m], parts[d])],
                     index=parts.index, dtype=float)
    return days.where(good_time)


def parse_days(text):
    """Day numbers of date strings, as a frame of three readings per row: `fixed` (ISO, YYYY/M/D,
    Excel serial), `mdy` and `dmy` (A/B/YYYY month first and day first); NaN where not a date."""
    unique = pd.Series(pd.unique(text))
    stripped = strip(unique)
    out = pd.DataFrame(np.nan, index=unique.index, columns=["fixed", "ymd", "mdy", "dmy"])
    patterns = [
        ("fixed", r"^(\d{4})-(\d{2})-(\d{2})" + TIME, (0, 1, 2)),
        ("ymd", r"^(\d{4})/(\d{1,2})/(\d{1,2})" + TIME.replace("[ T]", "[ ]"), (0, 1, 2)),
        ("mdy", r"^(\d{1,2})/(\d{1,2})/(\d{4})" + TIME.replace("[ T]", "[ ]"), (2, 0, 1)),
        ("dmy", r"^(\d{1,2})/(\d{1,2})/(\d{4})" + TIME.replace("[ T]", "[ ]"), (2, 1, 0)),
    ]
    for column, pattern, (y, m, d) in patterns:
        parts = stripped.str.extract(pattern)
        ok = parts[0].notna()
        if ok.any():
            out.loc[ok, column] = readings(parts[ok], y, m, d)
    serial = stripped.str.extract(r"^(\d{1,7})(?:\.\d*)?$")[0]
    serial_value = pd.to_numeric(serial)
    use = serial_value.notna() & (serial_value >= 1) & (serial_value <= 2958465)
    out.loc[use, "fixed"] = serial_value[use] - 25569
    codes = pd.Index(unique.values).get_indexer(text)
    return {column: out[column].to_numpy(dtype=float)[codes] for column in out.columns}


def choose_days(readings, live, order):
    """The day of each row in the slash-date order (docs/ingest.md, "Dates"): `auto` decides it
    from the rows still live, refusing a file with both day-first and month-first evidence."""
    mdy, dmy = readings["mdy"], readings["dmy"]
    day_first = live & ~np.isnan(dmy) & np.isnan(mdy)
    month_first = live & np.isnan(dmy) & ~np.isnan(mdy)
    ymd = readings["ymd"]
    if order == "auto":
        if day_first.any() and month_first.any():
            sys.exit("reference: the slash dates contradict each other")
        order = "dmy" if day_first.any() else "mdy"
    else:
        ymd = ymd if order == "ymd" else np.full(len(ymd), np.nan)
    slash = {"mdy": mdy, "dmy": dmy, "ymd": np.full(len(mdy), np.nan)}[order]
    days = readings["fixed"].copy()
    for candidate in (ymd, slash):
        days = np.where(np.isnan(days), candidate, days)
    return days


def stripped(series):
    return per_unique(series, strip, "")


def customer_order(ids):
    try:
        return sorted(ids, key=lambda s: (int(s), s))
    except ValueError:
        return sorted(ids, key=lambda s: s.encode("utf-8", "surrogateescape"))


def month_of(days):
    dates = EPOCH + pd.to_timedelta(days, unit="D")
    return (dates.year * 12 + dates.month - 1).to_numpy()


def first_day_of_month(month):
    return (pd.Timestamp(year=month // 12, month=month % 12 + 1, day=1) - EPOCH).days


def fmt_month(month):
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def fmt_day(day):
    return (EPOCH + pd.Timedelta(days=int(day))).strftime("%Y-%m-%d")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--schema", default="auto")
    parser.add_argument("--as-of")
    parser.add_argument("--date-order", choices=["auto", "dmy", "mdy", "ymd"], default="auto")
    parser.add_argument("--latest-date")
    parser.add_argument("--window", type=int, default=0)
    parser.add_argument("--pre-acquisition", choices=["absent", "zero"], default="absent")
    args = parser.parse_args()
    started = time.time()

    frame = pd.read_csv(args.file, dtype=str, keep_default_na=False, na_filter=True,
                        na_values=[], encoding="utf-8", encoding_errors="surrogateescape",
                        skip_blank_lines=True)
    # A UTF-8 byte-order mark is not part of the first column's name.
    frame.columns = [c.lstrip("\ufeff") for c in frame.columns]
    schema = detect(frame.columns) if args.schema == "auto" else args.schema
    roles = PRESETS[schema]
    col = {}
    for role in ("customer", "date", "invoice", "quantity", "price", "amount", "status", "country"):
        name = roles[role]
        col[role] = next(c for c in frame.columns if c.strip(" \t") == name) if name else None

    rows_read = len(frame)
    reason = np.full(rows_read, -1)

    def reject(mask, code):
        mask = np.asarray(mask) & (reason < 0)
        reason[mask] = code

    # pandas pads a row with too few fields with NaN; none of the real logs has such a row.
    reject(frame[frame.columns[-1]].isna().to_numpy(), 0)
    customer = stripped(frame[col["customer"]])
    reject(customer == "", 1)
    invoice = stripped(frame[col["invoice"]]) if roles["invoice"] else None
    if roles["cancel_prefix"]:
        reject(pd.Series(invoice).str.startswith(roles["cancel_prefix"]).to_numpy(dtype=bool), 2)
    if roles["status"]:
        reject(pd.Series(stripped(frame[col["status"]])).str.lower().ne("approved").to_numpy(), 2)

    def number(name):
        value = per_unique(frame[name], lambda u: pd.to_numeric(strip(u), errors="coerce"), np.nan)
        value[~np.isfinite(value)] = np.nan
        return value

    quantity = number(col["quantity"]) if roles["quantity"] else np.ones(rows_read)
    price = number(col["price"] or col["amount"])
    if roles["quantity"]:
        reject(np.isnan(quantity), 3)
    reject(np.isnan(price), 3)
    reject(quantity <= 0, 4)
    reject(price < 0, 5)
    reject(price == 0, 6)
    days = choose_days(parse_days(frame[col["date"]]), reason < 0, args.date_order)
    reject(np.isnan(days), 7)
    if args.latest_date:
        latest = (pd.Timestamp(args.latest_date) - EPOCH).days
    else:
        latest = (pd.Timestamp.now(tz="UTC").normalize().tz_localize(None) - EPOCH).days + 1
    reject(days > latest, 8)
    clean = reason < 0
    duplicate = np.zeros(rows_read, dtype=bool)
    if roles["invoice"]:  # segcast's default: identical rows without an order id are repeat purchases
        duplicate[clean] = frame[clean].duplicated(keep="first").to_numpy()
    reject(duplicate, 9)
    accepted = reason < 0

    rows = pd.DataFrame({
        "customer": customer[accepted],
        "invoice": (invoice[accepted] if roles["invoice"]
                    else np.arange(rows_read)[accepted].astype(str)),
        "day": days[accepted].astype(np.int64),
        "revenue": (quantity * price)[accepted] if roles["quantity"] else price[accepted],
        "country": stripped(frame[col["country"]])[accepted] if roles["country"] else "",
    })
    summary = {"file": args.file, "schema": schema, "rows_read": rows_read,
               "rows_accepted": int(accepted.sum()),
               "rejected": {name: int((reason == code).sum()) for code, name in enumerate(REASONS)},
               "customers": int(rows["customer"].nunique())}
    as_of = ((pd.Timestamp(args.as_of) - EPOCH).days if args.as_of else int(rows["day"].max()) + 1)
    rows = rows[rows["day"] < as_of]
    summary["as_of"] = fmt_day(as_of)

    # Static RFM.
    by_customer = rows.groupby("customer", sort=False)
    rfm = pd.DataFrame({
        "first": by_customer["day"].min(),
        "last": by_customer["day"].max(),
        "frequency": by_customer["invoice"].nunique(),
        "monetary": by_customer["revenue"].sum(),
    })
    counts = rows.groupby(["customer", "country"]).size().reset_index(name="n")
    counts = counts.sort_values(["customer", "n", "country"], ascending=[True, False, True])
    rfm["country"] = counts.drop_duplicates("customer").set_index("customer")["country"]
    order = customer_order(list(rfm.index))
    rfm = rfm.loc[order]
    rfm["recency"] = as_of - rfm["last"]
    os.makedirs(args.output, exist_ok=True)
    with open(os.path.join(args.output, "rfm.csv"), "w") as out:
        out.write("customer_id,recency,frequency,monetary,first_purchase,last_purchase,country\n")
        for cid, r in rfm.iterrows():
            out.write(f"{cid},{r.recency},{r.frequency},{r.monetary!r},{fmt_day(r['first'])},"
                      f"{fmt_day(r['last'])},{r.country}\n")

    # Monthly LRFM panel, dense customers x months.
    last_month = month_of(np.array([as_of - 1]))[0]
    first_month = month_of(np.array([rows["day"].min()]))[0]
    if args.window > 0:
        first_month = max(first_month, last_month - args.window + 1)
    months = last_month - first_month + 1
    window_start = first_day_of_month(first_month)
    month_end = np.array([min(first_day_of_month(first_month + m + 1), as_of) for m in range(months)])
    cindex = pd.Series(np.arange(len(order)), index=order)
    c = cindex[rows["customer"]].to_numpy()
    d = rows["day"].to_numpy()
    first = np.full(len(order), np.iinfo(np.int64).max)
    np.minimum.at(first, c, d)
    last = np.full((len(order), months), np.iinfo(np.int64).min)
    before = d < window_start
    carried = np.full(len(order), np.iinfo(np.int64).min)
    np.maximum.at(carried, c[before], d[before])
    inside = ~before
    m = month_of(d[inside]) - first_month
    np.maximum.at(last, (c[inside], m), d[inside])
    cells = pd.DataFrame({"c": c[inside], "m": m, "invoice": rows["invoice"].to_numpy()[inside],
                          "revenue": rows["revenue"].to_numpy()[inside]})
    grouped = cells.groupby(["c", "m"])
    f = np.zeros((len(order), months))
    money = np.zeros((len(order), months))
    keys = grouped["invoice"].nunique()
    f[keys.index.get_level_values(0), keys.index.get_level_values(1)] = keys.to_numpy()
    sums = grouped["revenue"].sum()
    money[sums.index.get_level_values(0), sums.index.get_level_values(1)] = sums.to_numpy()
    running = np.maximum.accumulate(np.maximum(last, carried[:, None]), axis=1)
    length = month_end[None, :] - first[:, None]
    recency = month_end[None, :] - running
    first_month_of_customer = month_of(first) - first_month
    start = (np.zeros(len(order), dtype=int) if args.pre_acquisition == "zero"
             else np.maximum(first_month_of_customer, 0))
    acquired = month_end[None, :] > first[:, None]
    length = np.where(acquired, length, 0)
    recency = np.where(acquired, recency, 0)
    rows_out = []
    labels = [fmt_month(first_month + k) for k in range(months)]
    for i, cid in enumerate(order):
        for k in range(start[i], months):
            rows_out.append(f"{cid},{labels[k]},{int(length[i, k])},{int(recency[i, k])},"
                            f"{int(f[i, k])},{money[i, k]!r}\n")
    with open(os.path.join(args.output, "lrfm.csv"), "w") as out:
        out.write("customer_id,month,L,R,F,M\n")
        out.writelines(rows_out)
    summary["panel_customers"] = len(order)
    summary["panel_months"] = int(months)
    summary["first_month"] = fmt_month(first_month)
    summary["seconds"] = time.time() - started
    with open(os.path.join(args.output, "summary.json"), "w") as out:
        json.dump(summary, out, indent=2)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
