"""The module against `segcast rfm --json` on the shared logs (../shared/data): row accounting and
RFM. Skipped, with the reason, when the folder is absent."""
import json

import numpy as np
import pandas as pd
import pytest

import segcast
from conftest import SHARED, run_cli

LOGS = ["online_retail.csv.gz", "kpmg_transactions.csv.gz"]


@pytest.mark.parametrize("name", LOGS)
def test_accounting_and_rfm_equal_the_cli(name, tmp_path):
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared data folder ../shared/data)")
    cli = json.loads(run_cli("rfm", path, "-o", tmp_path, "--json", "--threads", "2").stdout)
    log = segcast.load(path, threads=2)
    accounting = log.accounting()
    ours = json.loads(accounting["json"])
    assert ours == {key: value for key, value in cli.items() if key in ours}
    assert set(cli) - set(ours) <= {"threads", "seconds", "as_of", "rfm_customers", "clustering", "output"}
    assert accounting["rows_read"] == accounting["rows_accepted"] + accounting["rows_rejected"] > 0
    rfm = segcast.rfm(log)
    assert len(rfm) == cli["rfm_customers"]
    theirs = pd.read_csv(tmp_path / "rfm.csv", dtype={"customer_id": str})
    assert list(rfm.index) == list(theirs["customer_id"])
    np.testing.assert_array_equal(rfm["frequency"].to_numpy(), theirs["frequency"].to_numpy())
    np.testing.assert_array_equal(rfm["recency"].to_numpy(), theirs["recency"].to_numpy())
    np.testing.assert_allclose(rfm["monetary"].to_numpy(), theirs["monetary"].to_numpy(), rtol=1e-9)
