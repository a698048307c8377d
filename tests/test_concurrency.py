"""Streamlit sessions share one process: diagnose must be safe from many threads at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from engine.case import load_case
from engine.diagnosis import Diagnoser
from engine.evaluation import case_files
from tests.conftest import CASES, EXAMPLES

THREADS = 8


def test_parallel_diagnoses_equal_serial_ones(diagnoser: Diagnoser) -> None:
    paths = [*case_files(CASES), EXAMPLES / "example-myeloma.yaml", EXAMPLES / "example-reconversion.yaml"]
    cases = [load_case(p).without_expected() for p in paths] * 3
    serial = [diagnoser.diagnose(c).to_contract() for c in cases]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        parallel = list(pool.map(lambda c: diagnoser.diagnose(c).to_contract(), cases))
    assert parallel == serial
