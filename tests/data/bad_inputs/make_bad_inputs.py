#!/usr/bin/python3
"""Writes the bad-input corpus of tests/data/bad_inputs/ (expected.tsv says what each must give).

Each file is a small, hand-made transaction log, configuration or series file with one problem a
real user's file has: other encodings, byte-order marks, wrong delimiters, broken quoting, damaged
gzip, numbers and dates a parser can get wrong, broken headers, empty ids, empty files. Cases that
need the file system at test time (a 1 MB field, a directory, an unreadable file, a missing path)
are made by tests/integration/bad_inputs.py itself. Run: /usr/bin/python3 make_bad_inputs.py
"""
import gzip
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"
HEADER_II = "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country"
KPMG = ("transaction_id,product_id,customer_id,transaction_date,online_order,order_status,brand,"
        "product_line,product_class,product_size,list_price,standard_cost,product_first_sold_date")


def row(invoice="536365", quantity="6", date="12/1/2010 8:26", price="2.55", customer="17850",
        description="WHITE METAL LANTERN", country="United Kingdom", stock="71053"):
    return ",".join([invoice, stock, description, quantity, date, price, customer, country])


GOOD = [row(), row(invoice="536366", stock="22633", description="HAND WARMER UNION JACK", price="1.85"),
        row(invoice="536367", customer="13047", date="12/2/2010 9:00", price="3.39")]


def log(*rows, header=HEADER, newline="\n"):
    return newline.join([header, *rows]) + newline


def write(name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(HERE, name), "wb") as out:
        out.write(data)


def gz(data):
    return gzip.compress(data.encode("utf-8") if isinstance(data, str) else data, mtime=0)


# --- encodings and byte-order marks ---
write("latin1.csv", log(GOOD[0], row(invoice="536366", description="CR\xc8ME BR\xdbL\xc9E"), GOOD[2])
      .encode("latin-1"))
write("utf8_bom.csv", b"\xef\xbb\xbf" + log(*GOOD).encode())
write("utf16le_bom.csv", b"\xff\xfe" + log(*GOOD).encode("utf-16-le"))
write("utf16be_bom.csv", b"\xfe\xff" + log(*GOOD).encode("utf-16-be"))
write("only_bom.csv", b"\xef\xbb\xbf")
write("bom_header_only_crlf.csv", b"\xef\xbb\xbf" + (HEADER + "\r\n").encode())
write("nul_in_field.csv", log(GOOD[0], row(invoice="536366", description="NUL\x00BYTE"), GOOD[2]))
write("binary_garbage.csv", bytes((index * 73 + 41) % 256 for index in range(2048)))

# --- delimiters, quoting, line endings ---
write("semicolon.csv", log(*[line.replace(",", ";") for line in GOOD], header=HEADER.replace(",", ";")))
write("tab.tsv", log(*[line.replace(",", "\t") for line in GOOD], header=HEADER.replace(",", "\t")))
write("unbalanced_quote.csv", log(GOOD[0], row(invoice="536366", description="\"OPEN QUOTE, NEVER CLOSED"),
                                  GOOD[2]))
write("quoted_newline.csv", log(GOOD[0], row(invoice="536366", description="\"TWO\nLINES, \"\"QUOTED\"\"\""),
                                GOOD[2], row(invoice="536370", customer="")))
write("crlf.csv", log(*GOOD, newline="\r\n"))
write("mixed_line_endings.csv", HEADER + "\r\n" + GOOD[0] + "\n" + GOOD[1] + "\r\n" + GOOD[2] + "\n")
write("blank_lines.csv", HEADER + "\n\n" + GOOD[0] + "\n\n\n" + GOOD[1] + "\n" + GOOD[2] + "\n\n")
write("no_final_newline.csv", log(*GOOD).rstrip("\n"))

# --- gzip ---
write("truncated.csv.gz", gz(log(*GOOD * 20))[:-40])
write("gzip_trailing_garbage.csv.gz", gz(log(*GOOD)) + b"this is not gzip\n")
write("gzip_two_members.csv.gz", gz(log(GOOD[0], GOOD[1])) + gz(GOOD[2] + "\n"))
write("gzip_empty.csv.gz", gz(b""))
write("gzip_header_only.csv.gz", gz(HEADER + "\n"))

# --- numbers ---
write("number_1e309.csv", log(GOOD[0], row(invoice="536366", price="1e309"), GOOD[2]))
write("number_nan_inf.csv", log(GOOD[0], row(invoice="536366", price="NaN"), row(invoice="536368", quantity="inf"),
                                row(invoice="536369", price="-inf"), GOOD[2]))
write("number_negative_zero.csv", log(GOOD[0], row(invoice="536366", quantity="-0"),
                                      row(invoice="536368", price="-0.0"), GOOD[2]))
write("number_thousands.csv", log(GOOD[0], row(invoice="536366", price="\"1,234.50\""),
                                  row(invoice="536368", quantity="1 000"), GOOD[2]))
write("number_hex.csv", log(GOOD[0], row(invoice="536366", quantity="0x1A"), row(invoice="536368", price="0x1p3"),
                            GOOD[2]))
write("number_overflow_revenue.csv", log(GOOD[0], row(invoice="536366", quantity="1e200", price="1e200"), GOOD[2]))
write("number_decimal_comma.csv", log(GOOD[0], row(invoice="536366", price="\"2,55\""), GOOD[2]))

# --- dates ---
write("date_year_1400.csv", log(GOOD[0], row(invoice="536366", date="1400-01-01 10:00:00"),
                                row(invoice="536368", date="1399-12-31 10:00:00"), GOOD[2]))
write("date_month_13.csv", log(GOOD[0], row(invoice="536366", date="2100-13-45 10:00:00"), GOOD[2]))
write("date_feb30.csv", log(GOOD[0], row(invoice="536366", date="2011-02-30"), row(invoice="536368", date="2/29/2011 9:00"),
                            row(invoice="536369", date="2/29/2012 9:00"), GOOD[2]))
write("date_bad_time.csv", log(GOOD[0], row(invoice="536366", date="12/1/2010 25:00"),
                               row(invoice="536368", date="2010-12-01 10:61:00"), GOOD[2]))
write("date_text.csv", log(GOOD[0], row(invoice="536366", date="yesterday"), row(invoice="536368", date=""), GOOD[2]))
# Slash dates in day-first order (UK and European exports), detected from the 13th; ambiguous ones
# (no field above 12); both orders in one file (refused); Excel's US export with AM/PM.
write("date_day_first.csv", log(row(date="01/12/2010 08:26"), row(invoice="536366", date="13/12/2010 09:00"),
                                row(invoice="536367", customer="13047", date="09/01/2011 10:00", price="3.39")))
write("date_ambiguous.csv", log(row(date="01/12/2010 08:26"), row(invoice="536366", date="02/12/2010 09:00")))
write("date_contradicting.csv", log(row(date="01/12/2010 08:26"), row(invoice="536366", date="12/13/2010 08:26"),
                                    row(invoice="536367", customer="13047", date="25/12/2010 10:00", price="3.39")))
write("date_am_pm.csv", log(row(date="12/1/2010 8:26 AM"), row(invoice="536366", date="12/1/2010 8:26 PM"),
                            row(invoice="536367", customer="13047", date="12/13/2010 12:00:00 am", price="3.39"),
                            row(invoice="536368", date="12/1/2010 13:26 PM")))
# Mistyped years: each row once took the whole panel (and run) down; now future_date.
write("date_future_typo.csv", log(*GOOD, row(invoice="536368", date="12/1/2099 8:26"),
                                  row(invoice="536369", customer="13047", date="9011-12-09 12:50:00"),
                                  row(invoice="536370", date="9999-12-31 23:59:59"),
                                  row(invoice="536371", customer="12583", date="12/9/2010 9:00")))
write("kpmg_excel_serial.csv", "\n".join([
    KPMG,
    "1,2,2950,2017-02-25,False,Approved,Solex,Standard,medium,medium,71.49,53.62,41245",
    "2,3,3120,42767,True,Approved,Trek Bicycles,Standard,medium,large,2091.47,388.92,41701",
    "3,4,3120,42767.75,True,Approved,Trek Bicycles,Standard,medium,large,20.00,3.92,41701",
    "4,5,402,0,False,Approved,OHM Cycles,Standard,low,medium,1793.43,248.82,36361",
    "5,6,402,3000000,False,Approved,OHM Cycles,Standard,low,medium,1793.43,248.82,36361",
]) + "\n")

# --- headers and columns ---
write("duplicate_header.csv", log(*[line + ",99999" for line in GOOD], header=HEADER + ",CustomerID"))
write("missing_column.csv", log(*[line.rsplit(",", 2)[0] + "," + line.rsplit(",", 1)[1] for line in GOOD],
                                header=HEADER.replace(",CustomerID", "")))
write("extra_columns.csv", log(*[line + ",note " + str(index) for index, line in enumerate(GOOD)],
                               header=HEADER + ",Note"))
write("ambiguous_header.csv", log(*[line + ",x,1,2" for line in GOOD], header=HEADER + ",Invoice,Price,Customer ID"))
write("header_spaces.csv", log(*GOOD, header=" InvoiceNo , StockCode,Description,Quantity,InvoiceDate,UnitPrice, CustomerID ,Country"))
write("field_count.csv", log(GOOD[0], GOOD[1] + ",EXTRA", ",".join(GOOD[2].split(",")[:6]), GOOD[2]))

# --- ids, cancellations, duplicates ---
write("empty_customer.csv", log(GOOD[0], row(invoice="536366", customer=""), row(invoice="536368", customer="\"\""),
                                GOOD[2]))
write("whitespace_customer.csv", log(GOOD[0], row(invoice="536366", customer="   "), row(invoice="536368", customer="\t"),
                                     GOOD[2]))
write("cancelled_and_duplicate.csv", log(GOOD[0], GOOD[0], row(invoice="C536379", quantity="-1"), GOOD[1],
                                         row(invoice="536370", quantity="0"), GOOD[2]))
write("kpmg_status.csv", "\n".join([
    KPMG,
    "1,2,2950,2017-02-25,False,Approved,Solex,Standard,medium,medium,71.49,53.62,41245",
    "2,3,3120,2017-05-21,True,Cancelled,Trek Bicycles,Standard,medium,large,2091.47,388.92,41701",
    "3,4,,2017-05-21,True,Approved,Trek Bicycles,Standard,medium,large,2091.47,388.92,41701",
    "4,5,3121,2017-05-22,True,,Trek Bicycles,Standard,medium,large,2091.47,388.92,41701",
    "5,6,3122,2017-05-23,True,approved,Trek Bicycles,Standard,medium,large,10.00,1.00,41701",
]) + "\n")

# --- empty files ---
write("empty.csv", b"")
write("header_only.csv", HEADER + "\n")
write("blank_lines_only.csv", "\n\n\r\n\n")
write("online_retail_ii_all_rejected.csv", log(row(customer=""), row(invoice="C1"), header=HEADER_II))

# --- generic schema ---
write("generic.csv", "client,day,total\nc1,2020-01-05,10\nc2,2020-01-06,abc\nc3,2020-01-07,5\n")

# --- row options: duplicates without an order id, prices, cancellations, customer ids ---
write("generic_repeat_purchases.csv", "customer,date,quantity,amount\nc1,2020-01-05,1,10\nc1,2020-01-05,1,10\n"
                                      "c1,2020-01-05,1,10\nc2,2020-01-06,2,7\n")
write("prices_zero_negative.csv", log(GOOD[0], row(invoice="536366", price="0"), row(invoice="A563185", price="-11062.06"),
                                      row(invoice="536367", price="0.00")))
write("cancellation_netting.csv", log(GOOD[0], row(invoice="C536380", quantity="-6", date="12/1/2010 9:00"), GOOD[1],
                                      row(invoice="C536381", stock="22633", quantity="-2", date="12/1/2010 9:10",
                                          price="1.85")))
write("customer_ids_padded.csv", log(GOOD[0], row(invoice="536366", customer="017850"),
                                     row(invoice="536367", customer="17850.0"), row(invoice="536368", customer=" 17850 ")))

# --- run configuration files ---
write("config_unknown_key.toml", "[input]\npath = \"x.csv\"\n\n[cluster]\nk = 3\nbogus_key = 1\n")
write("config_wrong_type.toml", "[cluster]\nk = \"three\"\n")
write("config_no_input.toml", "# A run config with settings but no input.path: the log must come as FILE.\n[cluster]\nk = 2\n")
write("config_syntax.toml", "[input]\npath = \"x.csv\n")
write("config_bad_value.toml", "[cluster]\nk_range = \"8..2\"\n")
write("config_huge_number.toml", "[cluster]\nmemory_budget_mib = 1e300\n")
write("config_unknown_section.toml", "[inptu]\npath = \"x.csv\"\n")
write("config_bad_date_order.toml", "[input]\ndate_order = \"yyyy\"\n")

# --- series files (forecast long CSV; clustering .ts and long CSV) ---
write("series_gaps.csv", "series_id,month,value\ns1,2011-01,10\ns1,2011-02,12\ns1,2011-05,9\n"
                         "s1,2011-06,11\ns1,2011-07,10\ns1,2011-08,13\ns1,2011-09,12\ns1,2011-10,14\n"
                         "s1,2011-11,12\ns1,2011-12,15\ns1,2012-01,13\ns1,2012-02,16\n")
write("series_duplicate_month.csv", "series_id,month,value\ns1,2011-01,10\ns1,2011-01,11\ns1,2011-02,12\n"
                                    "s1,2011-03,9\ns1,2011-04,11\ns1,2011-05,10\ns1,2011-06,13\n"
                                    "s1,2011-07,12\ns1,2011-08,14\ns1,2011-09,12\ns1,2011-10,15\n"
                                    "s1,2011-11,13\ns1,2011-12,16\n")
write("series_non_numeric.csv", "series_id,month,value\ns1,2011-01,10\ns1,2011-02,ten\ns1,2011-03,9\n"
                                "s1,2011-04,11\ns1,2011-05,1e309\ns1,2011-06,13\ns1,2011-07,12\ns1,2011-08,14\n"
                                "s1,2011-09,12\ns1,2011-10,15\ns1,2011-11,13\ns1,2011-12,16\ns1,2012-13,1\n")
write("series_missing_column.csv", "id,month,value\ns1,2011-01,10\n")
write("series_missing_value.ts", "@univariate true\n@classLabel false\n@data\n1,2,3\n4,?,6\n")
write("series_ragged_dims.ts", "@dimensions 2\n@classLabel false\n@data\n1,2:3,4\n1,2,3:4,5\n")
write("series_repeated_step.csv", "id,step,value\nc1,0,1\nc1,1,2\nc1,1,3\nc2,0,4\n")
write("series_nan_step.csv", "id,step,value\nc1,0,1\nc1,1,nan\nc2,0,4\n")
GAPS = open(os.path.join(HERE, "series_gaps.csv")).read()
# Well-formed months whose years the calendar cannot hold (it starts at 1400), and an empty id.
write("series_year_1200.csv", GAPS + "s1,1200-03,11\ns1,1399-12,11\n")
write("series_empty_id.csv", GAPS + ",2012-03,11\n")
write("series_empty_id_steps.csv", "id,step,value\na,0,1\n,1,2\nb,0,3\nb,1,4\n")

# --- a saved model (segcast assign -m) whose scaler was fitted by feature-minmax while its
# option says znorm: assign would scale new customers one way and compare them with centroids
# scaled the other ---
write("model_scaler_mismatch.json", json.dumps({
    "format_version": 1, "segcast_version": "0.1.0", "run_id": "2011-12-10", "as_of": "2011-12-10",
    "options": {"metric": "dtw", "band": -1, "k": 2, "window": 0, "scaling": "znorm",
                "pre_acquisition": "absent"},
    "scaler": {"method": "feature-minmax", "per_series": False, "features": ["L", "R", "F", "M"],
               "log1p": [False, False, True, True], "center": [0.0, 0.0, 0.0, 0.0],
               "scale": [373.0, 373.0, 2.3, 8.1]},
    "centroids": [{"segment_id": 0, "name": "A", "evidence": "", "months": 1, "values": [[0.5, 0.1, 0.2, 0.3]]},
                  {"segment_id": 1, "name": "B", "evidence": "", "months": 1, "values": [[0.1, 0.9, 0.0, 0.1]]}]},
    indent=2) + "\n")
