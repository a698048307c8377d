"""MarrowDx benchmarks: `uv run python bench/run.py [--readme] [--json]` prints a Markdown table.

`--readme` also writes the table into README.md; `--json` ends with one JSON object of the
figures (stable keys: warm_p50_ms, warm_p99_ms, batch_1000_s, explain_p50_ms,
cold_diagnose_ms, clips_ratio (experta's time over CLIPS's on the curated cases; null when
clipspy is missing), rules, network_nodes, compile_ms, probe_incremental_ms, probe_full_ms,
first_load_s).

Measures cold start of the command line, warm diagnosis latency over the curated cases,
a batch of 1,000 generated valid cases, explanation latency, and the app's re-render time
through AppTest. Timing lives here, never in the tests.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from engine.case import Case, case_from_data, load_case
from engine.diagnosis import get_diagnoser
from engine.evaluation import case_files
from engine.explanation import explain
from engine.vocabulary import FIELD_SPECS, FieldSpec, Kind

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # bench/ and ui/ are folders of the checkout, not installed packages
EXAMPLE = ROOT / "examples" / "example-myeloma.yaml"
# Targets of the what-if-and-speed issue (2 cores).
TARGETS = {
    "marrowdx --help (cold)": "<= 300 ms",
    "one diagnosis (cold process)": "<= 800 ms",
    "warm diagnosis p50": "<= 8 ms",
    "warm diagnosis p99": "<= 25 ms",
    "1,000 generated cases": "<= 10 s",
    "explain (with useful findings) p50": "<= 150 ms",
    "app re-render (AppTest)": "<= 150 ms",
    "experta time / CLIPS time (same cases)": "<= 2.5",
    "Explore's first load in Chromium (warmed server)": "<= 3 s",
}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(share * (len(ordered) - 1)))
    return ordered[index]


def _cold(args: list[str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _random_value(rng: random.Random, spec: FieldSpec) -> Any:
    kind, *space = spec.domain()
    if kind == "choice":
        return rng.choice(space[0])
    if kind == "int":
        return rng.randint(int(space[0]), int(space[1]))
    return round(rng.uniform(space[0], space[1]), 2)


def random_case(rng: random.Random, index: int) -> Case:
    """A valid random case over the whole vocabulary table (rules/vocabulary.yaml)."""
    doc: dict[str, Any] = {"id": f"generated-{index}"}
    twins = {spec.absent_of: name for name, spec in FIELD_SPECS.items() if spec.absent_of}
    for name, spec in FIELD_SPECS.items():
        if spec.absent_of:
            continue
        holder = doc
        for part in spec.case_path[:-1]:
            holder = holder.setdefault(part, {})
        if spec.kind is Kind.codes:
            codes = spec.allowed()
            present = rng.sample(codes, rng.randint(0, min(5, len(codes))))
            holder[spec.case_path[-1]] = present
            if name in twins:
                rest = [c for c in codes if c not in present]
                absent = rng.sample(rest, min(len(rest), rng.randint(0, 3)))
                holder[FIELD_SPECS[twins[name]].case_path[-1]] = absent
        elif spec.required or spec.default is not None or rng.random() < 0.5:
            holder[spec.case_path[-1]] = _random_value(rng, spec)
    return case_from_data(doc, "generated")


def _app_rerender(runs: int = 15) -> float:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=120)
    at.run()
    times = []
    for i in range(runs):
        at.number_input(key="explore0_age").set_value(40 + i)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def network_nodes(engine: Any) -> int:
    """Distinct nodes of an engine instance's Rete network (alpha and beta parts)."""
    seen: set[int] = set()
    stack = [engine.matcher.root_node]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.extend(child.node for child in node.children)
    return len(seen)


def _probes(diagnoser: Any, cases: list[Case]) -> tuple[float, float]:
    """Median ms of one what-if probe: incremental on a run engine, and as a full rerun."""
    from engine.incremental import WhatIf
    from engine.whatif import candidates

    incremental, full = [], []
    for case in cases[:20]:
        variants = [c.apply(case) for c in candidates(diagnoser.kb, case)[:10]]
        with WhatIf(diagnoser, case) as session:
            for variant in variants:
                t0 = time.perf_counter()
                session.diagnose(variant)
                incremental.append(time.perf_counter() - t0)
        for variant in variants:
            t0 = time.perf_counter()
            diagnoser.diagnose(variant)
            full.append(time.perf_counter() - t0)
    return statistics.median(incremental) * 1000, statistics.median(full) * 1000


def _clips(diagnoser: Any, cases: list[Case]) -> tuple[str, float | None]:
    try:
        import clips  # noqa: F401  (dev dependency)
    except ImportError:
        return "clipspy not installed (uv sync installs the dev group)", None
    from bench.clips_check import agreement

    result = agreement(diagnoser, cases)
    agree = "all agree" if not result.disagreeing else f"{len(result.disagreeing)} DISAGREE"
    return (f"{result.ratio:.1f} (experta {result.experta_s * 1000 / (3 * result.cases):.2f} ms, "
            f"CLIPS {result.clips_s * 1000 / (3 * result.cases):.2f} ms a case; {agree})"), result.ratio


def _first_load() -> tuple[str, float | None]:
    """Seconds from opening Explore in headless Chromium to the first ranked differential,
    on a fresh app process started the room's way (ui.serve: compiled before it listens)."""
    import shutil
    import tempfile

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        chromium = None
    if chromium is None:
        return "Chromium or Playwright missing", None
    from ui.launch import app_process, free_port, healthy

    port = free_port()
    server = app_process(port, {**os.environ, "MARROWDX_HOME": tempfile.mkdtemp(prefix="marrowdx-bench-")})
    try:
        started = time.perf_counter()
        if not healthy(f"http://127.0.0.1:{port}"):
            return "the app did not start", None
        ready = time.perf_counter() - started
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium,
                                                 args=["--headless", "--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            t0 = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}")
            page.get_by_text("Leading cause:").first.wait_for(timeout=60_000)
            load = time.perf_counter() - t0
            browser.close()
        return f"{load:.1f} s (server ready {ready:.1f} s after start)", load
    finally:
        server.terminate()
        server.wait(timeout=20)


def main() -> None:
    rows: dict[str, str] = {}
    figures: dict[str, Any] = {}
    cli = [sys.executable, "-m", "engine.cli"]
    rows["marrowdx --help (cold)"] = f"{_cold([*cli, '--help']) * 1000:.0f} ms"
    cold = _cold([*cli, "diagnose", str(EXAMPLE), "--json"], runs=3)
    rows["one diagnosis (cold process)"] = f"{cold * 1000:.0f} ms"
    figures["cold_diagnose_ms"] = round(cold * 1000, 1)

    start = time.perf_counter()
    diagnoser = get_diagnoser()
    compile_time = time.perf_counter() - start
    cases = [load_case(p).without_expected() for p in case_files(ROOT / "cases")]
    for case in cases:
        diagnoser.diagnose(case)
    latencies = []
    for _ in range(5):
        for case in cases:
            t0 = time.perf_counter()
            diagnoser.diagnose(case)
            latencies.append(time.perf_counter() - t0)
    rows["warm diagnosis p50"] = f"{_percentile(latencies, 0.5) * 1000:.1f} ms"
    rows["warm diagnosis p99"] = f"{_percentile(latencies, 0.99) * 1000:.1f} ms"
    figures["warm_p50_ms"] = round(_percentile(latencies, 0.5) * 1000, 2)
    figures["warm_p99_ms"] = round(_percentile(latencies, 0.99) * 1000, 2)

    rng = random.Random(20261124)
    generated = [random_case(rng, i) for i in range(1000)]
    t0 = time.perf_counter()
    for case in generated:
        diagnoser.diagnose(case)
    batch = time.perf_counter() - t0
    rows["1,000 generated cases"] = f"{batch:.2f} s"
    figures["batch_1000_s"] = round(batch, 2)

    explain_times = []
    for case in cases[:20]:
        t0 = time.perf_counter()
        explain(diagnoser, case)
        explain_times.append(time.perf_counter() - t0)
    if explain_times:
        rows["explain (with useful findings) p50"] = f"{statistics.median(explain_times) * 1000:.0f} ms"
        figures["explain_p50_ms"] = round(statistics.median(explain_times) * 1000, 1)
    rows["app re-render (AppTest)"] = f"{_app_rerender() * 1000:.0f} ms"
    probe_inc, probe_full = _probes(diagnoser, cases)
    rows["what-if probe: incremental / full rerun p50"] = f"{probe_inc:.1f} ms / {probe_full:.1f} ms"
    figures.update(probe_incremental_ms=round(probe_inc, 2), probe_full_ms=round(probe_full, 2))
    clips_text, ratio = _clips(diagnoser, cases)
    rows["experta time / CLIPS time (same cases)"] = clips_text
    figures["clips_ratio"] = None if ratio is None else round(ratio, 2)
    first_text, first = _first_load()
    rows["Explore's first load in Chromium (warmed server)"] = first_text
    figures["first_load_s"] = None if first is None else round(first, 2)
    engine = diagnoser.borrow()
    nodes = network_nodes(engine)
    diagnoser.give_back(engine)
    figures.update(network_nodes=nodes, compile_ms=round(compile_time * 1000, 1))

    cpu = platform.processor() or platform.machine()
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                     .splitlines() if line.startswith("model name"))
        cpu = model
    except (OSError, StopIteration):
        pass
    lines = [f"Machine: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}; "
             f"{len(diagnoser.kb.rules)} rules ({nodes} Rete nodes) loaded and compiled in "
             f"{compile_time * 1000:.0f} ms; "
             f"{len(cases)} curated cases.", "", "| measure | result | target |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {TARGETS.get(name, '')} |" for name, value in rows.items()]
    table = "\n".join(lines)
    print(table)
    if "--readme" in sys.argv:
        from bench.readme_block import write_block

        write_block("bench", table)
    if "--json" in sys.argv:
        figures.update(rules=len(diagnoser.kb.rules))
        print(json.dumps(figures, sort_keys=True))


if __name__ == "__main__":
    main()
