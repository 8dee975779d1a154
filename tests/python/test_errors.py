"""segcast::Error -> segcast.Error subclasses with file, line, field and expected."""
import pytest

import segcast
from conftest import SAMPLE


def test_missing_file_is_an_input_error_naming_it(tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(segcast.InputError) as caught:
        segcast.read_log(missing)
    error = caught.value
    assert isinstance(error, ValueError) and isinstance(error, segcast.Error)
    assert error.file == str(missing)
    assert error.exit_code == 3
    assert str(missing) in str(error)


def test_bad_row_structure_keeps_the_line(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
                   '536365,85123A,"open quote,6,12/1/2010 8:26,2.55,17850,United Kingdom\n')
    with pytest.raises(segcast.InputError) as caught:
        segcast.read_log(log)
    assert caught.value.file == str(log)
    assert caught.value.line == 2


def test_bad_option_names_its_field():
    with pytest.raises(segcast.InvalidArgument) as caught:
        segcast.read_log(SAMPLE, threads=-1)
    assert caught.value.field == "threads"
    with pytest.raises(segcast.InvalidArgument) as caught:
        segcast.read_log(SAMPLE, date_order="ydm")
    assert caught.value.field == "date_order" and "dmy" in caught.value.expected
    with pytest.raises(segcast.InvalidArgument) as caught:
        segcast.read_log(SAMPLE, colour="blue")
    assert caught.value.field == "colour"


def test_estimator_options_are_checked():
    import numpy as np
    X = np.random.default_rng(0).normal(size=(5, 10, 1))
    with pytest.raises(segcast.InvalidArgument) as caught:
        segcast.TimeSeriesKMeans(n_clusters=9).fit(X)
    assert caught.value.field == "k"
    with pytest.raises(segcast.InvalidArgument) as caught:
        segcast.TimeSeriesKMeans(metric="softdtw").fit(X)
    assert caught.value.kind == "InvalidArgument"


def test_config_error_keeps_file_and_line(tmp_path):
    config = tmp_path / "run.toml"
    config.write_text("[cluster]\nk = 3\nno_such_key = 1\n")
    with pytest.raises(segcast.ConfigError) as caught:
        segcast.run(SAMPLE, tmp_path / "out", config=str(config), store="none")
    assert caught.value.file == str(config)
    assert caught.value.line == 3
    assert caught.value.exit_code == 4
