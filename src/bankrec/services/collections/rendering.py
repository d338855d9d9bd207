"""A reminder or finance charge memo as Markdown and as PDF, from its ``DocumentView``.

Pure functions of the view: the same view always gives the same bytes (the PDF's creation
date is the document date). The PDF uses fpdf2's core Helvetica, which covers Latin-1 only;
other characters print as "?" rather than failing the whole run.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from fpdf import FPDF

from bankrec.services.collections.views import DocumentView, LineView

HEADERS = (
    "Document",
    "Due date",
    "Original",
    "Remaining",
    "Days",
    "Rate %",
    "Interest",
    "Fee",
    "Description",
)
WIDTHS = (44.0, 22.0, 26.0, 26.0, 12.0, 16.0, 24.0, 22.0, 85.0)
NUMERIC = frozenset({2, 3, 4, 5, 6, 7})
FONT = "Helvetica"


def _cells(line: LineView) -> tuple[str, ...]:
    document = " ".join(part for part in (line.document_type, line.document_no) if part)
    return (
        document,
        line.due_date.isoformat() if line.due_date else "",
        line.original,
        line.remaining,
        "" if line.days is None else str(line.days),
        line.rate,
        line.interest,
        line.fee,
        line.description,
    )


def _totals(view: DocumentView) -> list[tuple[str, str]]:
    return [
        ("Remaining amount", view.remaining),
        ("Interest", view.interest),
        ("Fees", view.fees),
        ("Total due", view.total_due),
    ]


def _heading(view: DocumentView) -> str:
    return f"{view.title} {view.no}"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(view: DocumentView) -> str:
    out = [f"# {_heading(view)}", "", f"**{view.company_name}**", ""]
    out += [f"{view.customer_name} ({view.customer_no})  "]
    out += [f"{line}  " for line in view.address_lines]
    out += [
        "",
        "| | |",
        "|---|---|",
        f"| Document no. | {view.no} |",
        f"| Document date | {view.document_date} |",
        f"| Due date | {view.due_date} |",
        f"| Currency | {view.currency} |",
    ]
    if view.level is not None:
        out.append(f"| Reminder level | {view.level} |")
    if view.beginning_text:
        out += ["", view.beginning_text]
    out += ["", "| " + " | ".join(HEADERS) + " |"]
    out.append("|" + "|".join("---:" if i in NUMERIC else "---" for i in range(len(HEADERS))) + "|")
    out += ["| " + " | ".join(_md(c) for c in _cells(line)) + " |" for line in view.lines]
    out += ["", "| Totals | " + view.currency + " |", "|---|---:|"]
    out += [f"| {label} | {amount} |" for label, amount in _totals(view)]
    if view.ending_text:
        out += ["", view.ending_text]
    return "\n".join(out) + "\n"


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """Cut ``text`` so it fits in a cell of ``width`` mm."""
    text = _latin1(text)
    while text and pdf.get_string_width(text) > width - 2:
        text = text[:-1]
    return text


def _row(pdf: FPDF, cells: tuple[str, ...], bold: bool = False) -> None:
    pdf.set_font(FONT, "B" if bold else "", 8)
    for index, (text, width) in enumerate(zip(cells, WIDTHS, strict=True)):
        align = "R" if index in NUMERIC else "L"
        pdf.cell(width, 6, _fit(pdf, text, width), border="B" if bold else 0, align=align)
    pdf.ln(6)


def _paragraph(pdf: FPDF, text: str) -> None:
    if text:
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(0, 5, _latin1(text))
        pdf.ln(3)


def render_pdf(view: DocumentView) -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_creation_date(datetime.combine(view.document_date, time(), tzinfo=UTC))
    pdf.set_title(_latin1(_heading(view)))
    pdf.add_page()
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 8, _latin1(view.company_name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 8, _latin1(_heading(view)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, "", 10)
    for text in (f"{view.customer_name} ({view.customer_no})", *view.address_lines):
        pdf.cell(0, 5, _latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    facts = [
        ("Document date", view.document_date.isoformat()),
        ("Due date", view.due_date.isoformat()),
        ("Currency", view.currency),
    ]
    if view.level is not None:
        facts.append(("Reminder level", str(view.level)))
    for label, value in facts:
        pdf.cell(35, 5, label)
        pdf.cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _paragraph(pdf, view.beginning_text)
    _row(pdf, HEADERS, bold=True)
    for line in view.lines:
        _row(pdf, _cells(line))
    pdf.ln(3)
    pdf.set_font(FONT, "", 10)
    for label, amount in _totals(view):
        pdf.cell(40, 5, label)
        pdf.cell(30, 5, f"{amount} {view.currency}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _paragraph(pdf, view.ending_text)
    return bytes(pdf.output())
