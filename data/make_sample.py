#!/usr/bin/python3
"""Rebuilds data/online_retail_sample.csv.gz from the shared UCI Online Retail log.

Keeps, in the original order and byte for byte, every row of the customers whose CustomerID is a
multiple of 10, and every 10th row without a customer id (so the sample also shows the cleaning
rules at work: cancellations, missing customers, duplicates, zero prices).

    /usr/bin/python3 data/make_sample.py ../shared/data/online_retail.csv.gz data/online_retail_sample.csv.gz
"""
import csv
import gzip
import io
import sys


def main():
    source, target = sys.argv[1:3]
    with gzip.open(source, "rt", encoding="utf-8", newline="") as text:
        content = text.read()
    # Split on LF only: str.splitlines() would also split on Unicode line separators.
    lines = [line + "\n" for line in content.split("\n")]
    if content.endswith("\n"):
        lines.pop()
    else:
        lines[-1] = lines[-1][:-1]
    header = next(csv.reader([lines[0]]))
    customer_column = header.index("CustomerID")
    kept = [lines[0]]
    without_customer = 0
    for line in lines[1:]:
        customer = next(csv.reader([line]))[customer_column]
        if customer == "":
            without_customer += 1
            if without_customer % 10 == 0:
                kept.append(line)
        elif int(customer) % 10 == 0:
            kept.append(line)
    with open(target, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as out:
            out.write("".join(kept).encode("utf-8"))
    print(f"{len(kept) - 1} rows written to {target}")


if __name__ == "__main__":
    main()
