#!/usr/bin/python3
"""Turns a raw shared log into the `customer_id,day,revenue` CSV read by customer_base_reference.py.

    /usr/bin/python3 scripts/reference/make_customer_base_input.py --format online_retail \
        /work/shared/data/online_retail.csv.gz -o online_retail_cb.csv
    /usr/bin/python3 scripts/reference/make_customer_base_input.py --format kpmg \
        /work/shared/data/kpmg_transactions.csv.gz -o kpmg_cb.csv

It applies the engine's cleaning rules (docs/definitions.md section 1), written here again from the
text so that the reference sees the same accepted rows as the C++ side:
  missing customer; cancelled (Online Retail: invoice starts with 'C'; KPMG: order_status is not
  'Approved', case-insensitive); unparseable or non-positive quantity / price / amount; unparseable
  date; exact duplicate rows (every field identical as text; the first is kept).
Revenue = Quantity * UnitPrice (Online Retail) or list_price (KPMG, one item per row).
The day is the calendar date (time of day dropped). Customer ids are written as integer text
(`17850.0` and `17850` are the same customer).
"""
import argparse
import sys

import pandas as pd

FORMATS = {
    "online_retail": dict(customer="CustomerID", date="InvoiceDate", invoice="InvoiceNo",
                          quantity="Quantity", price="UnitPrice", status=None),
    "kpmg": dict(customer="customer_id", date="transaction_date", invoice=None,
                 quantity=None, price="list_price", status="order_status"),
}


def parse_days(text):
    """Calendar day of each date string: ISO (`2010-12-01 08:26:00`, `2017-02-25`) or month-first
    (`12/1/2010 8:26`). Unparseable -> NaT. Parsed per distinct value (logs repeat them a lot)."""
    uniques = pd.Series(text.unique())
    iso = pd.to_datetime(uniques.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    us = pd.to_datetime(uniques.str.split(" ").str[0], format="%m/%d/%Y", errors="coerce")
    days = iso.fillna(us)
    return text.map(dict(zip(uniques, days)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("log", help="raw CSV (optionally .gz)")
    ap.add_argument("--format", required=True, choices=sorted(FORMATS))
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    col = FORMATS[args.format]

    # Everything as text: the duplicate rule compares fields byte for byte, and "" must stay "".
    raw = pd.read_csv(args.log, dtype=str, keep_default_na=False)
    customer = raw[col["customer"]].str.strip(" \t")
    keep = customer != ""
    if col["invoice"]:
        keep &= ~raw[col["invoice"]].str.startswith("C")
    if col["status"]:
        keep &= raw[col["status"]].str.strip(" \t").str.lower() == "approved"
    price = pd.to_numeric(raw[col["price"]], errors="coerce")
    quantity = pd.to_numeric(raw[col["quantity"]], errors="coerce") if col["quantity"] else 1.0
    keep &= (price > 0) & (quantity > 0)  # NaN (unparseable) compares False: dropped too
    day = parse_days(raw[col["date"]])
    keep &= day.notna()
    # Identical rows pass or fail the rules above identically, so "equal to an earlier accepted
    # row" (the engine's rule) is the same as "equal to any earlier row".
    keep &= ~raw.duplicated(keep="first")

    # Integer text for ids written as floats (`17850.0`); other ids are kept as they are.
    ids = customer[keep]
    as_number = pd.to_numeric(ids, errors="coerce")
    whole = as_number.notna() & (as_number == as_number.round())
    ids = ids.where(~whole, as_number[whole].astype("int64").astype(str))

    out = pd.DataFrame({"customer_id": ids, "day": day[keep].dt.strftime("%Y-%m-%d"),
                        "revenue": (price * quantity)[keep]})
    out.to_csv(args.output, index=False)  # floats as shortest round-trip text
    print(f"{args.format}: {len(raw)} rows read, {len(out)} kept, "
          f"{out.customer_id.nunique()} customers, days {out.day.min()} .. {out.day.max()}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
