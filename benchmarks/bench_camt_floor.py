"""What any CAMT import in this stack must spend, step by step, before it maps a single field.

``bench_import.py`` compares ``bankrec import`` of a camt.053 file with a bare lxml ``iterparse``
that only walks and clears the entries. This script measures the parts an import cannot skip,
each on its own and in a fresh interpreter, on the same generated file:

1. ``iterparse``: the bare walk (the yardstick);
2. ``iterparse + leaves``: the same walk reading every leaf of each entry into a dict, the least
   a field mapping written in Python has to do (no mapping, no objects);
3. ``xslt whole document``: the alternative of letting libxslt (C) flatten the entries, on a
   fully parsed document (so not even streaming);
4. ``sqlite executemany``: inserting the rows ``bankrec import`` wrote for this file, read back
   from its database, into an empty copy of the table, in one transaction;
5. ``start-up``: the interpreter loading the command line, the import service and SQLAlchemy.

The sum of 2, 4 and 5 is a floor for an import written in Python over lxml and SQLite; the
script prints it as a multiple of 1.

    python benchmarks/bench_camt_floor.py [--lines 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
BANKREC = [sys.executable, "-m", "bankrec"]

ITERPARSE = """
import sys, time
from lxml import etree
started = time.perf_counter()
for _, element in etree.iterparse(sys.argv[1], events=("end",), tag="{*}Ntry",
                                  resolve_entities=False, no_network=True):
    element.clear(keep_tail=True)
    while element.getprevious() is not None:
        del element.getparent()[0]
print(time.perf_counter() - started)
"""

LEAVES = """
import sys, time
from lxml import etree

def leaves(element, prefix, out):
    for child in element:
        text = child.text
        if text is None or text.isspace():
            leaves(child, prefix + child.tag + "/", out)
        else:
            out[prefix + child.tag] = text

started = time.perf_counter()
for _, element in etree.iterparse(sys.argv[1], events=("end",), tag="{*}Ntry",
                                  resolve_entities=False, no_network=True):
    leaves(element, "", {})
    element.clear(keep_tail=True)
    while element.getprevious() is not None:
        del element.getparent()[0]
print(time.perf_counter() - started)
"""

XSLT = """
import sys, time
from lxml import etree
STYLESHEET = b'''<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text"/>
<xsl:template match="/"><xsl:for-each select="//*[local-name()='Ntry']">
<xsl:apply-templates select="*" mode="leaf"/><xsl:text>&#10;</xsl:text></xsl:for-each>
</xsl:template>
<xsl:template match="*[*]" mode="leaf"><xsl:apply-templates select="*" mode="leaf"/></xsl:template>
<xsl:template match="*" mode="leaf"><xsl:value-of select="local-name()"/>=<xsl:value-of
select="."/><xsl:text>&#9;</xsl:text></xsl:template>
</xsl:stylesheet>'''
transform = etree.XSLT(etree.XML(STYLESHEET))
started = time.perf_counter()
text = str(transform(etree.parse(sys.argv[1])))
print(time.perf_counter() - started)
"""

EXECUTEMANY = """
import sqlite3, sys, time
source = sqlite3.connect(sys.argv[1])
rows = source.execute("SELECT * FROM bank_statement_line").fetchall()
schema = source.execute(
    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'bank_statement_line'"
).fetchone()[0]
target = sqlite3.connect(sys.argv[2])
target.execute(schema.replace("bank_statement_line", "copy_line", 1))
marks = ", ".join("?" * len(rows[0]))
started = time.perf_counter()
with target:
    target.executemany(f"INSERT INTO copy_line VALUES ({marks})", rows)
print(time.perf_counter() - started)
"""

STARTUP = """
import time
started = time.perf_counter()
import bankrec.cli.main, bankrec.services.statement_import, sqlalchemy.orm
print(time.perf_counter() - started)
"""


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _seconds(code: str, *args: str) -> float:
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return float(result.stdout.strip().splitlines()[-1])


def _import(folder: Path, path: Path) -> Path:
    database = folder / "camt.db"
    url = f"sqlite:///{database}"
    for command in (
        ["init"],
        ["gl", "add", "1000", "--name", "Bank", "--type", "balance", "--no-direct-posting"],
        ["bank", "add", "B1", "--name", "Bench", "--currency", "EUR", "--gl-account", "1000"],
        ["import", str(path), "--bank", "B1", "--allow-gap", "--json"],
    ):
        subprocess.run([*BANKREC, "--db", url, *command], check=True, capture_output=True)
    return database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    options = parser.parse_args()
    folder = options.keep or Path(tempfile.mkdtemp(prefix="bench-camt-floor-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "camt-floor.xml"
    _module("gen_camt").generate(path, options.lines)
    database = _import(folder, path)
    copy = folder / "copy.db"
    copy.unlink(missing_ok=True)
    figures = {
        "iterparse": _seconds(ITERPARSE, str(path)),
        "iterparse + leaves": _seconds(LEAVES, str(path)),
        "xslt whole document": _seconds(XSLT, str(path)),
        "sqlite executemany": _seconds(EXECUTEMANY, str(database), str(copy)),
        "start-up": _seconds(STARTUP),
    }
    bare = figures["iterparse"]
    for name, seconds in figures.items():
        print(f"{name:22} {seconds:6.2f} s  {seconds / bare:5.2f}x")
    floor = figures["iterparse + leaves"] + figures["sqlite executemany"] + figures["start-up"]
    print(f"{'floor (2 + 4 + 5)':22} {floor:6.2f} s  {floor / bare:5.2f}x")


if __name__ == "__main__":
    main()
