"""Fixtures of the Python module's tests (tests/python, CTest `python_module`).

CTest sets PYTHONPATH to BUILD/python, SEGCAST_BIN to the CLI and SEGCAST_SHARED_DATA to
../shared/data. Run by hand:

    PYTHONPATH=build/python SEGCAST_BIN=build/segcast /usr/bin/python3 -m pytest tests/python
"""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(os.environ.get("SEGCAST_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
SAMPLE = ROOT / "data" / "online_retail_sample.csv.gz"
SHARED = pathlib.Path(os.environ.get("SEGCAST_SHARED_DATA", ROOT.parent / "shared" / "data"))
SEED = 7
RUN_OPTIONS = ["--k", "3", "--seed", str(SEED), "--run-id", "pytest", "--db", "none", "--threads", "2"]


def segcast_bin() -> str:
    path = os.environ.get("SEGCAST_BIN", str(ROOT / "build" / "segcast"))
    if not os.path.exists(path):
        pytest.skip(f"no segcast executable at {path} (set SEGCAST_BIN)")
    return path


def run_cli(*args, cwd=None) -> subprocess.CompletedProcess:
    completed = subprocess.run([segcast_bin(), *map(str, args)], capture_output=True, text=True, cwd=cwd)
    assert completed.returncode == 0, completed.stderr
    return completed


@pytest.fixture(scope="session")
def sample() -> pathlib.Path:
    return SAMPLE


@pytest.fixture(scope="session")
def sample_log():
    import segcast
    return segcast.load(SAMPLE, threads=2)


@pytest.fixture(scope="session")
def cli_run(tmp_path_factory) -> pathlib.Path:
    """`segcast run` on the bundled sample (k = 3, seed 7, no store): its run folder."""
    out = tmp_path_factory.mktemp("cli")
    run_cli("run", SAMPLE, "-o", out, "--quiet", *RUN_OPTIONS)
    return out / "runs" / "pytest"


def ucr_dir() -> pathlib.Path:
    folder = SHARED / "ucr"
    if not folder.is_dir():
        pytest.skip(f"the UCR sets are not here: {folder} is absent (../shared/data/ucr)")
    return folder
