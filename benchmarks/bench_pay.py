"""Time `bankrec pay apply` on generated cash-application workloads and score its answers.

For each size: ``gen_cashapp.py`` writes the workload, then the ``bankrec`` of this virtualenv
runs on a fresh SQLite database: ``init``, ``load company.json``, ``journal post opening.csv``,
``map add`` per fee mapping, ``import statement.xml --bank BANK-EUR``, ``pay new --bank
BANK-EUR --statement ID --json``; then ``pay apply JNL`` is timed alone (wall clock, and peak
RSS from ``/usr/bin/time -v`` when present, else from ``getrusage`` of a wrapper process that
runs only that command), and ``pay show JNL --json`` is scored with ``score_cashapp.py``.

Usage: ``python benchmarks/bench_pay.py [--lines 10000] [--open-entries 100000]
[--sizes 2500,5000,10000] [--seed 1] [--keep DIR]``. With ``--sizes`` each size keeps the ratio
of open entries to lines given by ``--lines``/``--open-entries``. The last line is the exponent
k of apply time ~ lines^k from a least-squares fit of log(time) on log(lines).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import gen_cashapp
import score_cashapp

HERE = Path(__file__).resolve().parent
_SCRIPT = Path(sys.executable).with_name("bankrec")
BANKREC = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "bankrec"]
TIME = shutil.which("time", path="/usr/bin")
RUSAGE_WRAPPER = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:]).returncode
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"PEAK_KB {peak}", file=sys.stderr)
sys.exit(code)
"""


def bankrec(database: str, *args: str) -> tuple[str, float]:
    """Run ``bankrec --db DATABASE ARGS``; stdout and wall seconds, or stop with its output."""
    command = [*BANKREC, "--db", database, *args]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(_failure(args, result))
    return result.stdout, seconds


def _failure(args: tuple[str, ...], result: subprocess.CompletedProcess[str]) -> str:
    output = (result.stderr + result.stdout).strip()[-3000:]
    hint = ""
    if args and args[0] in ("pay", "map") and result.returncode == 2:
        hint = f"\n(`bankrec {args[0]}` is missing or rejects these options: is it built yet?)"
    return f"`bankrec {' '.join(args)}` failed with exit code {result.returncode}:\n{output}{hint}"


def timed_apply(database: str, journal: str) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of ``bankrec pay apply JNL`` alone."""
    args = ("pay", "apply", journal)
    command = [*BANKREC, "--db", database, *args]
    if TIME:
        wrapped = [TIME, "-v", *command]
        pattern = r"Maximum resident set size \(kbytes\): (\d+)"
    else:
        wrapped = [sys.executable, "-c", RUSAGE_WRAPPER, *command]
        pattern = r"PEAK_KB (\d+)"
    start = time.perf_counter()
    result = subprocess.run(wrapped, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(_failure(args, result))
    match = re.search(pattern, result.stderr)
    peak_kb = int(match.group(1)) if match else 0
    if sys.platform == "darwin" and not TIME:
        peak_kb //= 1024  # macOS reports bytes
    return seconds, peak_kb / 1024


def run_size(lines: int, open_entries: int, seed: int, folder: Path) -> dict[str, Any]:
    start = time.perf_counter()
    summary = gen_cashapp.generate(folder, lines, open_entries=open_entries, seed=seed)
    generate_s = time.perf_counter() - start
    database = f"sqlite:///{folder / 'bankrec.db'}"
    (folder / "bankrec.db").unlink(missing_ok=True)
    bankrec(database, "init")
    _, load_s = bankrec(database, "load", str(folder / "company.json"))
    _, post_s = bankrec(database, "journal", "post", str(folder / "opening.csv"))
    mappings = json.loads((folder / "mappings.json").read_text(encoding="utf-8"))["mappings"]
    for mapping in mappings:
        bankrec(
            database,
            "map",
            "add",
            mapping["text"],
            "--gl-debit",
            mapping["gl_debit"],
            "--gl-credit",
            mapping["gl_credit"],
        )
    out, import_s = bankrec(
        database, "import", str(folder / "statement.xml"), "--bank", gen_cashapp.BANK_NO, "--json"
    )
    statement = json.loads(out)["files"][0]["statements"][0]
    if statement["lines_new"] != summary["lines"]:
        raise SystemExit(f"import stored {statement['lines_new']} of {summary['lines']} lines")
    out, _ = bankrec(
        database,
        "pay",
        "new",
        "--bank",
        gen_cashapp.BANK_NO,
        "--statement",
        str(statement["statement"]),
        "--json",
    )
    journal = str(json.loads(out)["journal"])
    apply_s, peak_mb = timed_apply(database, journal)
    out, _ = bankrec(database, "pay", "show", journal, "--json")
    (folder / "pay_show.json").write_text(out, encoding="utf-8")
    answers = json.loads((folder / "answers.json").read_text(encoding="utf-8"))
    report = score_cashapp.score(answers, json.loads(out))
    return {
        "lines": summary["lines"],
        "open_entries": summary["open_entries"],
        "generate_s": generate_s,
        "load_s": load_s,
        "post_s": post_s,
        "import_s": import_s,
        "apply_s": apply_s,
        "apply_peak_mb": peak_mb,
        "score": report,
    }


def growth_exponent(points: list[tuple[int, float]]) -> float | None:
    """Slope of the least-squares line through (log lines, log seconds)."""
    usable = [(math.log(n), math.log(s)) for n, s in points if n > 0 and s > 0]
    if len({x for x, _ in usable}) < 2:
        return None
    mean_x = sum(x for x, _ in usable) / len(usable)
    mean_y = sum(y for _, y in usable) / len(usable)
    numerator = sum((x - mean_x) * (y - mean_y) for x, y in usable)
    denominator = sum((x - mean_x) ** 2 for x, _ in usable)
    return numerator / denominator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--open-entries", type=int, default=100_000)
    parser.add_argument("--sizes", help="comma-separated line counts, e.g. 2500,5000,10000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep generated files and databases here")
    parser.add_argument("--details", action="store_true", help="also print each size's scores")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [args.lines]
    ratio = args.open_entries / args.lines
    print(
        "lines | open entries | generate s | load s | post s | import s | apply s | "
        "apply peak MB | precision High % | recall High+Medium % | wrong %"
    )
    print("---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:")
    points: list[tuple[int, float]] = []
    reports: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or Path(scratch)
        for size in sizes:
            folder = root / f"cashapp-{size}"
            row = run_size(size, round(size * ratio), args.seed, folder)
            points.append((row["lines"], row["apply_s"]))
            reports.append(row["score"])
            s = row["score"]
            print(
                f"{row['lines']} | {row['open_entries']} | {row['generate_s']:.1f} | "
                f"{row['load_s']:.1f} | {row['post_s']:.1f} | {row['import_s']:.1f} | "
                f"{row['apply_s']:.2f} | {row['apply_peak_mb']:.0f} | {s['precision_high']} | "
                f"{s['recall_high_medium']} | {s['wrong_rate']}",
                flush=True,
            )
    exponent = growth_exponent(points)
    shown = "n/a (needs two sizes)" if exponent is None else f"{exponent:.2f}"
    print(f"apply time growth exponent (log-log fit over {len(points)} sizes): {shown}")
    if args.details:
        for (size, _), report in zip(points, reports, strict=True):
            print(f"\n{size} lines:\n{score_cashapp.table(report)}")


if __name__ == "__main__":
    main()
