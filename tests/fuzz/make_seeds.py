#!/usr/bin/python3
"""Writes the seed corpus of the fuzz targets: tests/fuzz/corpus/<target>/.

Small files built from real header lines (the UCI Online Retail logs, KPMG, the tourism file, UCR
.ts) with the awkward cases the readers must survive: quoted fields with commas, quotes and line
breaks, a UTF-8 byte-order mark, CRLF, gzip members (one, two concatenated, truncated). Inputs of
the ingest, series_forecast and series_cluster targets start with a selector byte (see each
*_fuzzer.cc). Run from anywhere: python3 tests/fuzz/make_seeds.py
"""
import gzip
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    folder = os.path.join(ROOT, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as out:
        out.write(data)


def gz(text):
    return gzip.compress(text.encode("utf-8") if isinstance(text, str) else text, mtime=0)


RETAIL_II = ("Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n"
             "489434,85048,\"15CM CHRISTMAS GLASS BALL 20 LIGHTS\",12,2009-12-01 07:45:00,6.95,13085,United Kingdom\n"
             "489434,79323P,PINK CHERRY LIGHTS,12,2009-12-01 07:45:00,6.75,13085,United Kingdom\n"
             "C489449,22087,PAPER BUNTING WHITE LACE,-12,2009-12-01 10:33:00,2.95,16321,Australia\n"
             "489435,22350,\"CAT BOWL, \"\"LARGE\"\"\",12,2009-12-01 07:46:00,2.55,,United Kingdom\n")
RETAIL = ("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
          "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom\n"
          "536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom\n"
          "536366,22633,\"HAND WARMER\nUNION JACK\",6,12/1/2010 8:28,1.85,17850,United Kingdom\n"
          "536367,84879,ASSORTED COLOUR BIRD ORNAMENT,0,12/1/2010 8:34,1.69,13047,United Kingdom\n"
          "536368,22960,JAM MAKING SET WITH JARS,6,2011-02-30 09:00:00,4.25,13047,United Kingdom\n")
KPMG = ("transaction_id,product_id,customer_id,transaction_date,online_order,order_status,brand,"
        "product_line,product_class,product_size,list_price,standard_cost,product_first_sold_date\n"
        "1,2,2950,2017-02-25,False,Approved,Solex,Standard,medium,medium,71.49,53.62,41245\n"
        "2,3,3120,2017-05-21,True,Approved,Trek Bicycles,Standard,medium,large,2091.47,388.92,41701\n"
        "3,37,402,2017-10-16,False,Cancelled,OHM Cycles,Standard,low,medium,1793.43,248.82,36361\n"
        "4,88,3135,42767,False,Approved,Norco Bicycles,Standard,medium,medium,1198.46,381.10,36145\n")
GENERIC = ("customer,date,invoice,amount,status,country\n"
           "a1,2020-01-05,o1,10.5,Approved,FR\n"
           "a1,2020-03-01T10:00,o2,3,approved,FR\n"
           "b2,1/31/2020,o3,1e3,Cancelled,DE\n"
           "  ,2020-01-05,o4,5,Approved,DE\n")
GENERIC_QTY = ("client,day,order,qty,unit_price,country\n"
               "c1,2021-06-30,A1,2,4.5,NL\n"
               "c1,2021-07-01,C2,1,4.5,NL\n"
               "c2,44377.5,A3,3,-1,NL\n")

# Selector bytes of ingest_fuzzer.cc: schema in bits 0-2, 8 = through the file (gzip), 16 = two
# threads, 32 = collect rejects, 64 = 4 KiB blocks.
for name, schema, text in [("retail_ii", 1, RETAIL_II), ("retail", 2, RETAIL), ("kpmg", 3, KPMG),
                           ("generic_amount", 4, GENERIC), ("generic_qty", 5, GENERIC_QTY)]:
    write("ingest", name + "_memory", bytes([schema | 32]) + text.encode())
    write("ingest", name + "_auto", bytes([0]) + text.encode())
    write("ingest", name + "_gzip", bytes([schema | 8 | 32]) + gz(text))
write("ingest", "retail_bom_crlf", bytes([0 | 32]) + b"\xef\xbb\xbf" + RETAIL.replace("\n", "\r\n").encode())
write("ingest", "retail_two_members", bytes([2 | 8]) + gz(RETAIL[:200]) + gz(RETAIL[200:]))
write("ingest", "retail_truncated_gzip", bytes([2 | 8]) + gz(RETAIL)[:-12])
write("ingest", "retail_latin1", bytes([2 | 32]) + RETAIL.replace("WHITE METAL", "CR\xc8ME").encode("latin-1"))
write("ingest", "retail_threads_blocks", bytes([2 | 16 | 64 | 32]) + (RETAIL + RETAIL[RETAIL.index("\n") + 1:] * 40).encode())
write("ingest", "retail_open_quote", bytes([2]) + (RETAIL + "536369,1,\"never closed,1,12/1/2010 9:00,1,1,UK\n").encode())
write("ingest", "retail_day_first", bytes([2 | 32]) + RETAIL.replace("12/1/2010", "13/12/2010").encode())
write("ingest", "retail_contradicting", bytes([2]) + (RETAIL + "536370,1,x,1,13/12/2010 9:00,1,1,UK\n"
                                                            "536371,1,x,1,12/13/2010 9:00,1,1,UK\n").encode())
write("ingest", "header_only", bytes([0]) + RETAIL.split("\n")[0].encode() + b"\n")

# Dates: one per line, as the date target splits them.
write("date", "formats", "2009-12-01 07:45:00\n12/1/2010 8:26\n2017-02-25\n41245\n41245.5\n"
                         "2011-02-30\n2011-12-10T23:59:60.5\n1/1/1400\n9999-12-31\n2958465\n")
write("date", "bad", "2100-13-45\n1399-12-31\n12/1/10 8:26\n2011-02-28 24:00\n 2011-01-01 \n0\n-5\n")
write("date", "slash_orders", "01/12/2010 08:26\n13/01/2011\n01/13/2011\n2010/12/01\n12/1/2010 8:26 PM\n"
                              "12/1/2010 12:00:00 am\n31/02/2011\n12/1/2010 13:26 PM\n5/5/2011\n")
write("date", "mapping", "customer=client,date=day,amount=total,cancel_prefix=C")
write("date", "preset", "online-retail-ii")

# Run configuration: the documented example (docs/pipeline.md) and a few wrong ones.
CONFIG = """[input]
path = "orders.csv.gz"
schema = "auto"
columns = ""
join_key = "customer_id"
as_of = "2011-12-10"
window = 0
pre_acquisition = "absent"

[cluster]
k = 0
k_range = "2..8"
metric = "dtw"
band = -1
scaling = "feature-minmax"
log1p = true
max_iter = 50
n_init = 1
silhouette_sample = 0
memory_budget_mib = 1024
keep_previous_k = true

[personas]
rules = ""
mix_columns = ["state", "gender"]

[forecast]
horizon = 6
interval = 0.8
samples = 1000
backtest = true

[output]
dir = "segcast-out"
store = "sqlite:out/segcast.db"
models = ""
write_panel = true

[run]
id = ""
previous = ""
seed = 0
threads = 0
"""
write("run_config", "full", CONFIG)
write("run_config", "unknown_key", "[input]\npath = \"a.csv\"\nbogus = 1\n")
write("run_config", "wrong_type", "[cluster]\nk = \"four\"\n")
write("run_config", "generic", "[input]\ncolumns = \"customer=c,date=d,amount=a\"\n[cluster]\nk_range = \"3..3\"\n")
write("run_config", "bad_toml", "[input\npath = \n")

# Forecast series: selector 0 = long CSV, 2 = tourism with hold-out, 3 = tourism.
LONG = ("series_id,month,value\n"
        "total,2011-01,100.5\ntotal,2011-02,120\ntotal,2011-04,90\n"
        "seg_1,2011-01-15,\nseg_1,2011-01,3\n\"seg,2\",2011-03,x\n")
TOURISM = ("series_id,n,horizon,category,start_year,start_month,v1,v2,v3,v4,v5,v6\n"
           "m1,6,2,TOURISM,1979,1,1149.87,1053.8002,1388.8798,1783.3702,1921.0252,2704.9449\n"
           "m2,4,1,TOURISM,1980,12,1,2,3,4,,\n")
write("series_forecast", "long", bytes([0]) + LONG.encode())
write("series_forecast", "long_gzip", bytes([0]) + gz(LONG))
write("series_forecast", "long_bom_crlf", bytes([0]) + b"\xef\xbb\xbf" + LONG.replace("\n", "\r\n").encode())
write("series_forecast", "tourism_holdout", bytes([2]) + TOURISM.encode())
write("series_forecast", "tourism", bytes([3]) + gz(TOURISM))

# Cluster series: selector 0 = long CSV (id,step,dims), 1 = .ts.
TS = ("# Three bivariate cases, labelled.\n@problemName Tiny\n@timeStamps false\n@univariate false\n"
      "@dimensions 2\n@classLabel true a b\n@data\n1,2,3:4,5,6:a\n7,8:9,10:b\n1.5,2,2,1:0,0,0,1:a\n")
TS_UNI = "@univariate true\n@classLabel false\n@data\n1,2,3\n4,5\n"
CSV = "id,step,L,R,F,M\nc1,0,1,2,3,4\nc1,2,1,2,3,4\nc1,1,0,0,0,0\n\"c,2\",5,1e-3,2,3,4\n"
write("series_cluster", "ts_multivariate", bytes([1]) + TS.encode())
write("series_cluster", "ts_univariate_gzip", bytes([1]) + gz(TS_UNI))
write("series_cluster", "ts_missing", bytes([1]) + b"@univariate true\n@data\n1,2,?\n")
write("series_cluster", "long_csv", bytes([0]) + CSV.encode())
write("series_cluster", "long_csv_gzip_crlf", bytes([0]) + gz(CSV.replace("\n", "\r\n")))

# Persona rules: the shipped file and a few hand-written variants.
MODELS = os.path.join(os.path.dirname(ROOT), "..", "..", "models", "personas.toml")
with open(MODELS, "rb") as shipped:
    write("persona_rules", "shipped", shipped.read())
write("persona_rules", "minimal", "[[persona]]\nname = \"Everyone\"\n")
write("persona_rules", "bounds", "[settings]\ntrend_months = 3\nlow = 0.5\nhigh = 2\n"
                                 "[[persona]]\nname = \"Big\"\nlevel = { M = { above = 1.5, below = 3.0 } }\n"
                                 "trend = { R = \"not_rising\", F = \"steady\" }\n[[persona]]\nname = \"Rest\"\n")
write("persona_rules", "duplicate", "[[persona]]\nname = \"A\"\n[[persona]]\nname = \"A\"\n")
