"""Time `bankrec import` end to end against the bare parse of the same file, per format."""

from __future__ import annotations

import argparse
import importlib.util
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
BANKREC = [sys.executable, "-m", "bankrec"]
FORMATS = {
    "ofx1": ("gen_ofx", {"version": 1}, "ofx", "statement.ofx"),
    "ofx2": ("gen_ofx", {"version": 2}, "ofx", "statement.ofx"),
    "camt": ("gen_camt", {}, "camt", "statement.xml"),
    "mt940": ("gen_mt940", {}, "mt940", "statement.sta"),
    "csv": ("gen_csv", {}, "csv", "statement.csv"),
}
PARSERS = {
    "ofx": "bankrec.importers.ofx:OfxImporter",
    "camt": "bankrec.importers.camt:CamtImporter",
    "mt940": "bankrec.importers.mt940:Mt940Importer",
}
BARE_ITERPARSE = """
import sys
from lxml import etree
count = 0
for _, element in etree.iterparse(sys.argv[1], events=("end",), tag="{*}Ntry",
                                  resolve_entities=False, no_network=True):
    count += 1
    element.clear(keep_tail=True)
    while element.getprevious() is not None:
        del element.getparent()[0]
print(count)
"""


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def timed(command: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in MB, and stdout of ``command``."""
    result = subprocess.run(
        ["/usr/bin/time", "-f", "TIME %e %M", *command], capture_output=True, text=True, check=False
    )
    match = re.search(r"TIME ([\d.]+) (\d+)", result.stderr)
    if result.returncode != 0 or not match:
        output = (result.stderr + result.stdout)[-3000:]
        raise SystemExit(f"{' '.join(command)} failed:\n{output}")
    return float(match.group(1)), int(match.group(2)) // 1024, result.stdout


def bare_parse_command(fmt: str, path: Path) -> list[str]:
    if fmt == "csv":
        code = (
            "import sys; from pathlib import Path;"
            "from bankrec.importers.csv_profile import builtin_profiles;"
            "from bankrec.importers.csv_statement import CsvImporter;"
            "p = next(p for p in builtin_profiles() if p.name == 'ing-de');"
            "f = CsvImporter(p).parse(Path(sys.argv[1]).read_bytes(), sys.argv[1]);"
            "print(f.line_count)"
        )
    else:
        module, cls = PARSERS[fmt].split(":")
        code = (
            f"import sys; from pathlib import Path; from {module} import {cls};"
            f"f = {cls}().parse(Path(sys.argv[1]).read_bytes(), sys.argv[1]); print(f.line_count)"
        )
    return [sys.executable, "-c", code, str(path)]


def run(name: str, lines: int, folder: Path) -> dict[str, object]:
    generator, options, fmt, filename = FORMATS[name]
    path = folder / f"{name}-{filename}"
    _module(generator).generate(path, lines, **options)
    database = f"sqlite:///{folder / f'{name}.db'}"
    subprocess.run([*BANKREC, "--db", database, "init"], check=True, capture_output=True)
    for setup in (
        ["gl", "add", "1000", "--name", "Bank", "--type", "balance", "--no-direct-posting"],
        ["bank", "add", "B1", "--name", "Bench", "--currency", "EUR", "--gl-account", "1000"],
    ):
        subprocess.run([*BANKREC, "--db", database, *setup], check=True, capture_output=True)
    bare_s, bare_mb, _ = timed(bare_parse_command(fmt, path))
    extra = ["--profile", "ing-de"] if fmt == "csv" else []
    command = [
        *BANKREC,
        "--db",
        database,
        "import",
        str(path),
        "--bank",
        "B1",
        "--allow-gap",
        "--json",
        *extra,
    ]
    import_s, import_mb, _ = timed(command)
    row: dict[str, object] = {
        "format": name,
        "lines": lines,
        "bytes": path.stat().st_size,
        "import_s": import_s,
        "import_peak_mb": import_mb,
        "parse_s": bare_s,
        "parse_peak_mb": bare_mb,
    }
    if fmt == "camt":
        iter_s, _, _ = timed([sys.executable, "-c", BARE_ITERPARSE, str(path)])
        row.update(iterparse_s=iter_s, import_over_iterparse=round(import_s / iter_s, 2))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--keep", type=Path, help="Keep generated files and databases here.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        print(
            "format | lines | MB file | import s | import peak MB | parse s | parse peak MB | notes"
        )
        print("---|---:|---:|---:|---:|---:|---:|---")
        for name in args.formats.split(","):
            row = run(name, args.lines, folder)
            note = (
                f"bare iterparse {row['iterparse_s']} s; import/iterparse "
                f"{row['import_over_iterparse']}x"
                if "iterparse_s" in row
                else ""
            )
            size = int(str(row["bytes"])) / 1e6
            print(
                f"{name} | {row['lines']} | {size:.1f} | {row['import_s']} | "
                f"{row['import_peak_mb']} | {row['parse_s']} | {row['parse_peak_mb']} | {note}"
            )


if __name__ == "__main__":
    main()
