#!/usr/bin/python3
"""Synthetic transaction log in the Online Retail format, for ingest benchmarks at any size.

    /usr/bin/python3 scripts/bench/make_synthetic_log.py --customers 100000 --months 24 --seed 1 \
        -o /tmp/synthetic.csv [--lines-per-invoice 20]

Each customer is acquired in a uniformly drawn month and places a geometric number of invoices
(mean 5) on uniformly drawn days from then on; with --churn R,ALPHA,A,B the customers instead buy
and drop out as the BG/NBD model says (Fader, Hardie & Lee 2005: a Poisson rate per week
~ Gamma(R, ALPHA weeks), a dropout probability after each repeat purchase ~ Beta(A, B)), so the
customer-base model's parameters are known; each invoice has 1 + Poisson(lines-per-invoice - 1)
lines with a random stock code, quantity and price. Like the real log it has dirty rows: 20% of
invoices have no customer id, 2% are cancellations ("C" prefix, negative quantities), 0.5% of
lines have price 0, 1% of lines are repeated exactly, and some descriptions are quoted because they
hold a comma. Rows are written in date order. Expected rows ~= customers x 5 x 1.25 x lines.
With --archetypes TRUTH.csv the customers are instead planted in four known behaviours, written to
TRUTH.csv (customer_id,archetype) so that a segmentation can be scored against them:
  loyal     acquired in the first quarter, an invoice every 20 days on average, twice the lines;
  lapsing   acquired in the first quarter, an invoice every 30 days until mid-way, then none;
  new       acquired in the last quarter, an invoice every 30 days;
  one-off   acquired any time, one invoice.
The same arguments always give the same bytes.
"""
import argparse

import numpy as np
import pandas as pd


def churning_purchases(rng, acquired, span, parameters):
    """Invoice owners and days of customers who buy and drop out as BG/NBD says."""
    r, alpha, a, b = parameters
    rate = rng.gamma(r, 1 / alpha, size=acquired.size) / 7  # per day
    dropout = rng.beta(a, b, size=acquired.size)
    owners, days = [], []
    for customer, first in enumerate(acquired):
        day, purchases = float(first), 0
        while day < span:
            owners.append(customer)
            days.append(int(day))
            if purchases > 0 and rng.random() < dropout[customer]:
                break
            purchases += 1
            day += rng.exponential(1 / rate[customer])
    return np.array(owners), np.array(days, dtype=np.int64)


ARCHETYPES = ["loyal", "lapsing", "new", "one-off"]


def archetype_purchases(rng, count, span):
    """Owners, days and archetype per customer of the four planted behaviours (module docstring)."""
    kind = rng.integers(0, len(ARCHETYPES), size=count)
    quarter = span // 4
    owners, days = [], []
    for customer in range(count):
        name = ARCHETYPES[kind[customer]]
        if name in ("loyal", "lapsing"):
            day = float(rng.integers(0, quarter))
        elif name == "new":
            day = float(rng.integers(span - quarter, span))
        else:
            day = float(rng.integers(0, span))
        stop = span // 2 if name == "lapsing" else span
        gap = 20.0 if name == "loyal" else 30.0
        while day < stop:
            owners.append(customer)
            days.append(int(day))
            if name == "one-off":
                break
            day += rng.exponential(gap)
    value = np.where(kind == 0, 2.0, 1.0)
    return np.array(owners), np.array(days, dtype=np.int64), kind, value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--months", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lines-per-invoice", type=float, default=20.0)
    parser.add_argument("--churn", help="R,ALPHA,A,B: BG/NBD purchases and dropout (ALPHA in weeks)")
    parser.add_argument("--archetypes", metavar="TRUTH.csv",
                        help="plant four known behaviours; write customer_id,archetype to TRUTH.csv")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    start = np.datetime64("2010-01-01")
    end = (pd.Timestamp(start) + pd.DateOffset(months=args.months)).to_datetime64().astype("datetime64[D]")
    span = int((end - start).astype(int))

    customers = np.arange(args.customers)
    acquired = rng.integers(0, span, size=args.customers)
    value = np.ones(args.customers)
    if args.archetypes:
        owner, day, kind, value = archetype_purchases(rng, args.customers, span)
        pd.DataFrame({"customer_id": (12346 + customers).astype(str),
                      "archetype": np.array(ARCHETYPES)[kind]}).to_csv(args.archetypes, index=False)
    elif args.churn:
        owner, day = churning_purchases(rng, acquired, span, [float(v) for v in args.churn.split(",")])
    else:
        invoices_per = rng.geometric(1 / 5, size=args.customers)
        owner = np.repeat(customers, invoices_per)
        first = acquired[owner]
        day = first + (rng.random(owner.size) * (span - first)).astype(np.int64)
        day[np.r_[True, owner[1:] != owner[:-1]]] = first[np.r_[True, owner[1:] != owner[:-1]]]
    # Walk-in invoices without a customer id.
    walk_ins = owner.size // 4
    owner = np.concatenate([owner, np.full(walk_ins, -1)])
    day = np.concatenate([day, rng.integers(0, span, size=walk_ins)])
    invoices = owner.size
    order = np.argsort(day, kind="stable")
    owner, day = owner[order], day[order]
    cancelled = rng.random(invoices) < 0.02
    lines = 1 + rng.poisson(args.lines_per_invoice * value[np.maximum(owner, 0)] - 1, size=invoices)
    invoice_of_line = np.repeat(np.arange(invoices), lines)
    n = invoice_of_line.size
    minute = rng.integers(8 * 60, 20 * 60, size=invoices)
    stamp = (start + day.astype("timedelta64[D]")).astype("datetime64[m]") + minute.astype("timedelta64[m]")
    stock = rng.integers(10000, 14000, size=n)
    quantity = rng.integers(1, 25, size=n)
    price = np.round(rng.gamma(2.0, 2.0, size=n), 2) + 0.01
    price[rng.random(n) < 0.005] = 0.0
    countries = np.array(["United Kingdom", "Germany", "France", "EIRE", "Spain", "Netherlands"])
    country_of_customer = rng.choice(len(countries), size=args.customers, p=[0.85, 0.04, 0.04, 0.03, 0.02, 0.02])
    frame = pd.DataFrame({
        "InvoiceNo": pd.Series(np.where(cancelled, "C", "")[invoice_of_line])
        + pd.Series((500000 + invoice_of_line).astype(str)),
        "StockCode": stock.astype(str),
        "Description": pd.Series(np.where(stock % 50 == 0, "BOX, LARGE ", "ITEM "))
        + pd.Series((stock % 997).astype(str)),
        "Quantity": np.where(cancelled[invoice_of_line], -quantity, quantity),
        "InvoiceDate": pd.Series(stamp[invoice_of_line]).dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy(),
        "UnitPrice": price,
        "CustomerID": np.where(owner[invoice_of_line] >= 0, (12346 + owner[invoice_of_line]).astype(str), ""),
        "Country": countries[country_of_customer[np.maximum(owner[invoice_of_line], 0)]],
    })
    repeat = rng.random(n) < 0.01
    index = np.sort(np.concatenate([np.arange(n), np.flatnonzero(repeat)]), kind="stable")
    frame = frame.iloc[index]
    frame.to_csv(args.output, index=False, chunksize=1_000_000)
    print(f"{len(frame)} rows, {args.customers} customers, {args.months} months -> {args.output}")


if __name__ == "__main__":
    main()
