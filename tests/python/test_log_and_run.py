"""The module against the CLI on the bundled sample: row accounting, RFM, panel, the whole run."""
import json
import filecmp
import os

import numpy as np
import pandas as pd
import pytest

import segcast
from conftest import SAMPLE, SEED


def test_read_log_accounting_equals_the_cli(cli_run):
    transactions, accounting = segcast.read_log(SAMPLE, threads=2)
    report = json.loads((cli_run / "ingest_report.json").read_text())
    assert accounting["rows_read"] == report["rows_read"] == 49886
    assert accounting["rows_accepted"] == report["rows_accepted"] == 35148
    assert accounting["rows_read"] == accounting["rows_accepted"] + accounting["rows_rejected"]
    assert accounting["rejected"] == report["rejected"]
    assert accounting["rejected"]["missing_customer"] == 13508
    assert accounting["customers"] == report["customers"]
    assert accounting["invoices"] == report["invoices"]
    assert json.loads(accounting["json"]) == report  # the whole report, as `segcast run` wrote it
    assert len(transactions) == accounting["rows_accepted"]
    assert transactions["customer_id"].nunique() == accounting["customers"]
    assert str(transactions["date"].min().date()) == accounting["first_day"]
    assert (transactions["revenue"] > 0).all()


def test_rejects_are_kept_with_their_lines():
    _, accounting = segcast.read_log(SAMPLE, collect_rejects=True, threads=2)
    rejects = accounting["rejects"]
    assert len(rejects) == accounting["rows_rejected"]
    counts = rejects["reason"].value_counts().to_dict()
    assert counts == {reason: n for reason, n in accounting["rejected"].items() if n}
    assert rejects["line"].is_monotonic_increasing and rejects["line"].min() >= 2


def test_rfm_equals_the_cli(cli_run, sample_log):
    ours = segcast.rfm(sample_log)
    theirs = pd.read_csv(cli_run / "rfm.csv", dtype={"customer_id": str}).set_index("customer_id")
    assert list(ours.index) == list(theirs.index)
    np.testing.assert_array_equal(ours["recency"].to_numpy(), theirs["recency"].to_numpy())
    np.testing.assert_array_equal(ours["frequency"].to_numpy(), theirs["frequency"].to_numpy())
    np.testing.assert_allclose(ours["monetary"].to_numpy(), theirs["monetary"].to_numpy(), rtol=1e-9)


def test_panel_frame_and_array_agree_with_the_cli(cli_run, sample_log):
    array, ids = segcast.lrfm_array(sample_log)
    frame = segcast.lrfm_panel(sample_log)
    assert array.shape == (len(ids), 13, 4)
    assert not array.flags.owndata  # a view of the library's buffer
    start = frame.attrs["start"]
    assert len(frame) == int((13 - start).sum())
    theirs = pd.read_csv(cli_run / "lrfm.csv", dtype={"customer_id": str})
    assert len(theirs) == len(frame)
    assert list(theirs["customer_id"]) == list(frame["customer_id"])
    assert list(theirs["month"].astype(str)) == [str(m) for m in frame["month"]]
    for feature in "LRFM":
        np.testing.assert_allclose(frame[feature].to_numpy(), theirs[feature].to_numpy(), rtol=1e-9, atol=1e-9)
    # the array and the long frame are the same cells
    first = frame[frame["customer_id"] == ids[0]]
    np.testing.assert_array_equal(first[list("LRFM")].to_numpy(), array[0, start[0]:])


def test_run_writes_what_the_cli_writes(cli_run, tmp_path):
    result = segcast.run(SAMPLE, tmp_path, k=3, seed=SEED, run_id="pytest", store="none", threads=2)
    ours = tmp_path / "runs" / "pytest"
    assert result["run_dir"] == str(ours)
    assert result["k"] == 3 and len(result["personas"]) == 3 and len(result["segments"]) == 3
    for name in ("assignments.csv", "segments.csv", "forecast.csv", "clv.csv", "rfm.csv", "lrfm.csv",
                 "centroids.csv", "ingest_report.json"):
        assert filecmp.cmp(ours / name, cli_run / name, shallow=False), name
    assignments = result["assignments"]
    assert len(assignments) == result["customers"]
    assert sorted(assignments["segment"].unique()) == sorted(p["segment_id"] for p in result["personas"])
    assert list(result["segments"]["name"]) == [p["name"] for p in result["personas"]]


def test_assign_with_the_saved_model(cli_run, sample_log):
    model = cli_run.parent.parent / "models" / "pytest"
    assigned = segcast.assign(model, sample_log)
    theirs = pd.read_csv(cli_run / "assignments.csv", dtype={"customer_id": str}).set_index("customer_id")
    # the run's customers, assigned to the run's own centroids: the run's segments
    assert list(assigned.index) == list(theirs.index)
    np.testing.assert_array_equal(assigned["segment_id"].to_numpy(), theirs["segment"].to_numpy())
    np.testing.assert_allclose(assigned["distance"].to_numpy(), theirs["distance"].to_numpy(), rtol=1e-6)


def test_customer_predictions_equal_the_run(cli_run, sample_log):
    ours = segcast.predict_customers(sample_log, threads=2)
    theirs = pd.read_csv(cli_run / "clv.csv", dtype={"customer_id": str}).set_index("customer_id")
    assert len(ours) == len(theirs)
    assert ((ours["p_alive"] >= 0) & (ours["p_alive"] <= 1)).all()
    common = theirs.index.intersection(ours.index)
    assert len(common) == len(theirs)
    np.testing.assert_allclose(ours.loc[common, "p_alive"], theirs.loc[common, "p_alive"], rtol=1e-4, atol=1e-6)


def test_segment_with_a_k_range_reports_silhouettes(sample_log):
    result = segcast.segment(sample_log, k_range=(2, 4), seed=SEED, threads=2)
    table = result["k_selection"]
    assert list(table["k"]) == [2, 3, 4]
    assert table["silhouette"].between(-1, 1).all()
    assert result["k"] in (2, 3, 4)
    assert result["labels"].nunique() == result["k"]
    assert result["centroids"].shape[0] == result["k"] and result["centroids"].shape[2] == 4


def test_segment_personas_are_the_runs(cli_run, sample_log):
    # Same panel, k and seed as the CLI run: the same clusters, so the same personas per customer.
    result = segcast.segment(sample_log, k=3, seed=SEED, threads=2)
    personas = result["personas"]
    assert list(personas.index) == [0, 1, 2]
    assert personas["name"].is_unique and (personas["action"] != "").all()
    assert personas["customers"].sum() == len(result["labels"])
    theirs = pd.read_csv(cli_run / "segments.csv").set_index("segment")
    assert sorted(personas["name"]) == sorted(theirs["name"])
    assignments = pd.read_csv(cli_run / "assignments.csv", dtype={"customer_id": str}).set_index("customer_id")
    ours = personas["name"].reindex(result["labels"].to_numpy()).to_numpy()
    assert list(ours) == list(assignments.loc[result["labels"].index, "name"])
    by_name = theirs.set_index("name")
    for _, row in personas.iterrows():
        np.testing.assert_allclose(row["revenue_share"], by_name.loc[row["name"], "revenue_share"], rtol=1e-9)
        np.testing.assert_allclose(row["mean_R"], by_name.loc[row["name"], "mean_R"], rtol=1e-9)


def test_forecast_and_backtest_of_a_dataframe():
    months = pd.period_range("2015-01", periods=48, freq="M")
    t = np.arange(48)
    frame = pd.DataFrame({"up": 100 + 2.0 * t + 10 * np.sin(2 * np.pi * t / 12),
                          "flat": np.full(48, 50.0)}, index=months)
    out = segcast.forecast(frame, horizon=6)
    future = out[~out["is_history"]]
    assert list(future["series"].unique()) == ["up", "flat"]
    assert len(future) == 12
    assert str(future["month"].iloc[0]) == "2019-01"
    up = future[future["series"] == "up"]
    expected = 100 + 2.0 * np.arange(48, 54) + 10 * np.sin(2 * np.pi * np.arange(48, 54) / 12)
    # trend (damped beyond the data) and season recovered within 5%
    assert (np.abs(up["yhat"].to_numpy() - expected) / expected).max() < 0.05
    assert np.argmax(up["yhat"].to_numpy()) == np.argmax(expected)
    flat = future[future["series"] == "flat"]
    np.testing.assert_allclose(flat["yhat"].to_numpy(), 50.0, rtol=1e-3)
    assert (up["yhat_lower"] <= up["yhat"]).all() and (up["yhat"] <= up["yhat_upper"]).all()
    scores = segcast.backtest(frame, origins=2, horizon=3, step=3, min_history=24)
    assert scores["method"].iloc[0] == "model"
    assert {"naive", "seasonal_naive", "drift"} <= set(scores["method"])


def test_run_with_a_k_range_and_a_config(tmp_path):
    config = tmp_path / "run.toml"
    config.write_text("[cluster]\nk = 5\n")
    # the config's k is replaced by the sweep, as `segcast run --config FILE --k-range 2-3`
    result = segcast.run(SAMPLE, tmp_path / "out", config=str(config), k_range=(2, 3), seed=SEED,
                         store="none", backtest=False, run_id="sweep")
    assert result["k"] in (2, 3)
    assert list(result["k_selection"]["k"]) == [2, 3]
    assert result["rows_read"] == 49886


def test_run_takes_every_option_of_the_table(tmp_path):
    # Options the module never listed by hand reach the run, as `segcast run` records them.
    result = segcast.run(SAMPLE, tmp_path / "out", k=2, max_iter=7, clv_months=6, monthly_discount=0.02,
                         horizon=3, samples=200, seed=SEED, store="none", run_id="table")
    with open(os.path.join(result["run_dir"], "manifest.json")) as handle:
        options = json.load(handle)["options"]
    assert options["cluster"]["max_iter"] == 7
    assert options["customer_base"]["clv_months"] == 6
    assert options["customer_base"]["monthly_discount"] == 0.02
    assert options["forecast"]["samples"] == 200
    assert options["run"]["id"] == "table"
    with pytest.raises(segcast.InvalidArgument):
        segcast.run(SAMPLE, tmp_path / "bad", k=2, clv_months=-3, store="none")
