"""segcast from Python: transaction logs -> LRFM panel -> TimeSeries K-Means -> personas -> forecasts.

A thin layer over the C++ library (the extension ``segcast._segcast``): every function calls the
library directly (no command line), releases the GIL while it works, and returns pandas DataFrames
or numpy arrays. Library errors are raised as :class:`segcast.Error` subclasses that keep the
file, line, field and expectation of the C++ error (``err.file``, ``err.line``, ``err.field``,
``err.expected``). docs/python.md is the walk-through.

    import segcast
    transactions, accounting = segcast.read_log("data/online_retail_sample.csv.gz")
    log = segcast.load("data/online_retail_sample.csv.gz")      # read once, reuse below
    panel = segcast.lrfm_panel(log)                              # long DataFrame
    X, ids = segcast.lrfm_array(log)                             # (N, T, 4) view, no copy
    result = segcast.segment(log, k=4, seed=7)
    model = segcast.TimeSeriesKMeans(n_clusters=3, metric="dtw", random_state=0).fit(X_scaled)
"""
from __future__ import annotations

import os
from typing import Optional, Tuple, Union

import numpy as np
import pandas as pd

from . import _segcast
from ._segcast import (  # noqa: F401  (re-exported)
    BusyError,
    ConfigError,
    DatabaseError,
    Error,
    InputError,
    InternalError,
    InvalidArgument,
    Log,
    NoSpaceError,
)

__all__ = [
    "Error", "InvalidArgument", "InputError", "ConfigError", "DatabaseError", "BusyError",
    "NoSpaceError", "InternalError", "Log", "load", "read_log", "transactions", "rfm", "lrfm_panel",
    "lrfm_array", "left_align", "segment", "forecast", "backtest", "run", "assign", "predict_customers", "TimeSeriesKMeans",
]

LRFM_FEATURES = ("L", "R", "F", "M")
_EPOCH = np.datetime64("1970-01-01", "D")

LogLike = Union[str, os.PathLike, Log]


def _days(values: np.ndarray) -> np.ndarray:
    """segcast Day numbers (days since 1970-01-01) as datetime64[D]."""
    return _EPOCH + np.asarray(values, dtype=np.int64).astype("timedelta64[D]")


def load(path: Union[str, os.PathLike], **options) -> Log:
    """Reads and cleans a log once (segcast::Ingest) and keeps it for the other functions.

    Options (as ``segcast ingest``'s flags): schema, columns, demographics, addresses,
    duplicates ("auto"|"drop"|"keep"), net_cancellations, normalise_customer_ids,
    collect_rejects, threads, date_order ("auto"|"mdy"|"dmy"|"ymd"), latest_date ("YYYY-MM-DD").
    """
    return _segcast.read_log(os.fspath(path), **options)


def _log(log: LogLike, options: Optional[dict] = None) -> Log:
    if isinstance(log, Log):
        if options:
            raise InvalidArgument("read options go with a path, not with an already read Log")
        return log
    return load(log, **(options or {}))


def transactions(log: Log) -> pd.DataFrame:
    """The accepted rows of a read log: customer_id, invoice, date, quantity, price, revenue,
    country (categorical columns over the log's dictionaries) and the row's line in the file."""
    columns = log.columns()
    frame = pd.DataFrame({
        "customer_id": pd.Categorical.from_codes(columns["customer"], categories=columns["customer_ids"]),
        "invoice": pd.Categorical.from_codes(columns["invoice"], categories=columns["invoice_ids"]),
        "date": _days(columns["day"]),
        "quantity": columns["quantity"],
        "price": columns["price"],
        "revenue": columns["revenue"],
    })
    if columns["countries"]:
        frame["country"] = pd.Categorical.from_codes(columns["country"], categories=columns["countries"])
    frame["line"] = columns["line"]
    return frame


def read_log(path: Union[str, os.PathLike], **options) -> Tuple[pd.DataFrame, dict]:
    """Reads and cleans a log: (accepted transactions, row accounting).

    The accounting holds rows_read, rows_accepted, rows_rejected and ``rejected`` by reason
    (rows_read == rows_accepted + rows_rejected), customers, invoices, the date range and the
    report as JSON (the same figures as ``segcast ingest --json``). With collect_rejects=True it
    also holds ``rejects``, a DataFrame of the rejected rows (line, reason, field, record).
    """
    log = load(path, **options)
    accounting = log.accounting()
    if options.get("collect_rejects"):
        accounting["rejects"] = pd.DataFrame(log.rejects(), columns=["line", "reason", "field", "record"])
    return transactions(log), accounting


def rfm(log: LogLike, as_of: Optional[str] = None, **read_options) -> pd.DataFrame:
    """Static RFM per customer (segcast::ComputeRfm): recency (days), frequency (invoices),
    monetary (revenue), first and last purchase, main country; indexed by customer_id."""
    table = _segcast.rfm(_log(log, read_options), as_of)
    frame = pd.DataFrame({
        "recency": table["recency"],
        "frequency": table["frequency"],
        "monetary": table["monetary"],
        "first_purchase": _days(table["first_purchase"]),
        "last_purchase": _days(table["last_purchase"]),
        "country": table["country"],
    }, index=pd.Index(table["customer_id"], name="customer_id"))
    frame.attrs["as_of"] = table["as_of"]
    return frame


def _panel(log, as_of, window, pre_acquisition, read_options):
    return _segcast.panel(_log(log, read_options), as_of, window, pre_acquisition)


def lrfm_array(log: LogLike, as_of: Optional[str] = None, window: int = 0,
               pre_acquisition: str = "absent", **read_options) -> Tuple[np.ndarray, list]:
    """The monthly LRFM panel (segcast::BuildPanel) as an (N, T, 4) float64 array (features L, R, F,
    M) and its N customer ids. The array is a view of the library's own buffer (no copy).

    Months before a customer's first purchase hold 0 (the panel's layout: series are aligned on
    calendar months, so they are padded at the start, not the end). ``start_months`` of the panel
    is in ``lrfm_panel(...)``; for tslearn-style end padding use :func:`left_align`.
    """
    panel = _panel(log, as_of, window, pre_acquisition, read_options)
    return panel["values"], panel["customer_id"]


def left_align(values: np.ndarray, start: np.ndarray) -> np.ndarray:
    """(N, T, d) calendar-aligned series starting at ``start[n]`` -> tslearn's layout: each series
    moved to step 0 and NaN after its end (a copy)."""
    out = np.full(values.shape, np.nan)
    for series, first in enumerate(start):
        out[series, : values.shape[1] - first] = values[series, first:]
    return out


def lrfm_panel(log: LogLike, as_of: Optional[str] = None, window: int = 0,
               pre_acquisition: str = "absent", **read_options) -> pd.DataFrame:
    """The monthly LRFM panel as a long DataFrame: one row per customer and month of its series
    (from its first purchase month, or every month with pre_acquisition="zero"), columns
    customer_id, month (Period[M]), L, R, F, M. attrs hold as_of, first_month and the (N, T, 4)
    array and start month of each customer."""
    panel = _panel(log, as_of, window, pre_acquisition, read_options)
    values, start = panel["values"], panel["start"]
    customers, months = values.shape[0], values.shape[1]
    month_of = np.arange(months)
    keep = month_of[None, :] >= start[:, None]
    customer_codes = np.broadcast_to(np.arange(customers)[:, None], (customers, months))[keep]
    month_codes = np.broadcast_to(month_of[None, :], (customers, months))[keep]
    first = pd.Period(panel["first_month"], freq="M")
    frame = pd.DataFrame({
        "customer_id": np.asarray(panel["customer_id"], dtype=object)[customer_codes],
        "month": pd.PeriodIndex([first + int(m) for m in range(months)], freq="M")[month_codes],
    })
    cells = values[keep]
    for feature, name in enumerate(LRFM_FEATURES):
        frame[name] = cells[:, feature]
    frame.attrs.update(as_of=panel["as_of"], first_month=panel["first_month"], start=start)
    return frame


def segment(log: LogLike, k: Optional[int] = None, k_range: Tuple[int, int] = (2, 8), metric: str = "dtw",
            band: int = -1, as_of: Optional[str] = None, window: int = 0, scaling: str = "",
            log1p: bool = True, max_iter: int = 50, n_init: int = 1, seed: int = 0, threads: int = 0,
            silhouette: bool = True, **read_options) -> dict:
    """TimeSeries K-Means of a log's scaled LRFM panel, as ``segcast segment`` does with a log.

    ``k`` fixes the number of segments; without it k is chosen in ``k_range`` by silhouette
    (segcast::SelectTsK). Returns a dict: ``labels`` (Series by customer_id), ``distances``,
    ``centroids`` (k, T, 4) in scaled units, ``inertia``, ``k``, ``k_selection`` (DataFrame, empty
    for a fixed k), ``k_choice`` (why that k) and ``personas``: a DataFrame indexed by segment with
    the persona ``segcast run`` gives the same segments under the built-in rules (name,
    description, evidence, recommended action and why) and the figures behind it (customers,
    shares, mean L, R, F, M).
    """
    result = _segcast.segment(_log(log, read_options), k or 0, k_range[0], k_range[1], metric, band, as_of,
                              window, scaling, log1p, max_iter, n_init, seed, threads, silhouette)
    index = pd.Index(result["customer_id"], name="customer_id")
    result["labels"] = pd.Series(result["labels"], index=index, name="segment")
    result["distances"] = pd.Series(result["distances"], index=index, name="distance")
    result["k_selection"] = pd.DataFrame(result["k_selection"])
    result["personas"] = pd.DataFrame(result["personas"]).set_index("segment")
    del result["customer_id"]
    return result


def _monthly_series(frame: Union[pd.DataFrame, pd.Series]) -> list:
    """Wide DataFrame (monthly index, one column per series) -> [(id, "YYYY-MM", values)]."""
    if isinstance(frame, pd.Series):
        frame = frame.to_frame(frame.name if frame.name is not None else "series")
    index = frame.index
    if isinstance(index, pd.DatetimeIndex):
        index = index.to_period("M")
    elif not isinstance(index, pd.PeriodIndex):
        index = pd.PeriodIndex(index.astype(str), freq="M")
    index = index.asfreq("M")
    if len(index) and (np.diff(index.asi8) != 1).any():
        raise InvalidArgument("the index must be consecutive months (put NaN in missing months)")
    first = str(index[0])
    return [(str(column), first, frame[column].to_numpy(dtype=float, na_value=np.nan)) for column in frame.columns]


def forecast(series: Union[pd.DataFrame, pd.Series], horizon: int = 6, interval: float = 0.8,
             samples: int = 1000, threads: int = 0) -> pd.DataFrame:
    """Forecasts every column of a DataFrame of monthly series (index: consecutive months as a
    PeriodIndex, DatetimeIndex or "YYYY-MM" strings; NaN marks a missing month) with segcast's
    additive model (segcast::ForecastAll). Returns a long DataFrame: series, month, yhat,
    yhat_lower, yhat_upper, trend, seasonal, actual, is_history."""
    results = _segcast.forecast(_monthly_series(series), horizon, interval, samples, threads)
    frames = []
    for one in results:
        frame = pd.DataFrame({
            "series": one["series"],
            "month": pd.PeriodIndex(one["month"], freq="M"),
            "yhat": one["yhat"], "yhat_lower": one["yhat_lower"], "yhat_upper": one["yhat_upper"],
            "trend": one["trend"], "seasonal": one["seasonal"], "actual": one["actual"],
            "is_history": one["is_history"],
        })
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out.attrs["fits"] = {one["series"]: {"variant": one["variant"], "converged": one["converged"],
                                         "message": one["message"]} for one in results}
    return out


def backtest(series: Union[pd.DataFrame, pd.Series], origins: int = 3, horizon: int = 6, step: int = 6,
             min_history: int = 24, threads: int = 0) -> pd.DataFrame:
    """Rolling-origin backtest of the model and the baselines (segcast::Backtest) on a DataFrame of
    monthly series: one row per method with mae, rmse, smape, mase, coverage and width."""
    return pd.DataFrame(_segcast.backtest(_monthly_series(series), origins, horizon, step, min_history, threads))


def run(log: Union[str, os.PathLike], output_dir: Union[str, os.PathLike], **options) -> dict:
    """The whole job (segcast::RunPipeline, what ``segcast run`` does): ingest, panel, segments,
    personas, forecasts, outputs, store and saved model under ``output_dir``.

    Options: every option of ``segcast run`` by its key (docs/options.md, ``segcast options``):
    k, k_range=(min, max) or "2..8", metric, band, max_iter, as_of, window, scaling, horizon,
    interval, samples, clv_months, monthly_discount, ...; under the names segment_forecast,
    personas, models, store ("" = OUT/segcast.db, "none"), run_id, backtest, previous, seed,
    threads; config (a TOML run configuration, or a run's manifest.json); and the read options of
    :func:`load`.
    Returns the run's summary (run_id, run_dir, model_dir, k, silhouette, ``personas``: each
    segment's id, name, description, evidence and action, ...) with DataFrames of its main outputs:
    ``assignments``, ``segments``,
    ``forecast``, ``clv``, ``k_selection`` (the CSV files of the run folder the library wrote).
    """
    summary = _segcast.run(os.fspath(log), os.fspath(output_dir), **options)
    run_dir = summary["run_dir"]
    for name in ("assignments", "segments", "forecast", "clv", "k_selection"):
        path = os.path.join(run_dir, name + ".csv")
        if os.path.exists(path):
            summary[name] = pd.read_csv(path, dtype={"customer_id": str})
    return summary


def assign(model: Union[str, os.PathLike], log: LogLike, as_of: Optional[str] = None, threads: int = 0,
           **read_options) -> pd.DataFrame:
    """Assigns every customer of a log to a saved model's segments without refitting
    (segcast::AssignWithModel): segment_id, name, distance, runner_up_segment, runner_up_distance
    by customer_id."""
    result = _segcast.assign(os.fspath(model), _log(log, read_options), as_of, threads)
    frame = pd.DataFrame({key: result[key] for key in
                          ("segment_id", "name", "distance", "runner_up_segment", "runner_up_distance")},
                         index=pd.Index(result["customer_id"], name="customer_id"))
    frame.attrs["as_of"] = result["as_of"]
    return frame


def predict_customers(log: LogLike, as_of: Optional[str] = None, horizon: int = 6, clv_months: int = 12,
                      monthly_discount: float = 0.01, threads: int = 0, **read_options) -> pd.DataFrame:
    """Customer-level predictions of the customer-base model (BG/NBD and Gamma-Gamma,
    customer_base.h): p_alive, expected_purchases and expected_revenue over ``horizon`` months,
    expected_spend per purchase and the discounted clv over ``clv_months``, by customer_id. attrs
    hold the fitted parameters."""
    result = _segcast.predict_customers(_log(log, read_options), as_of, horizon, clv_months, monthly_discount,
                                        threads)
    columns = ("repeat_purchases", "p_alive", "expected_purchases", "expected_spend", "expected_revenue", "clv")
    frame = pd.DataFrame({key: result[key] for key in columns},
                         index=pd.Index(result["customer_id"], name="customer_id"))
    frame.attrs.update(as_of=result["as_of"], bgnbd=result["bgnbd"], gamma_gamma=result["gamma_gamma"],
                       message=result["message"])
    return frame


from .estimator import TimeSeriesKMeans  # noqa: E402
