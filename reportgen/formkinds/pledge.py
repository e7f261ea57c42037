"""The pledge progress form (市長公約進捗状況記入票): each department's items of a pledge list, their progress and status taken back."""
from __future__ import annotations

from reportgen.collect import pledge_form_rows
from reportgen.collect.collecting import Examination
from reportgen.collect.read import sheet_extent, sheet_form
from reportgen.collect.report import FormReport, _closed
from reportgen.deliverables import pledge_form as context
from reportgen.forms import layout
from reportgen.forms.kind import FormKind
from reportgen.model.loader import Dataset
from reportgen.render.xlsx_pledge_form import pledge_form
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import Msg

# its cell rules: reportgen.collect.pledge_form_rows (progress lines, the list's statuses)
FIELDS = {"progress": "取組状況", "pledge_status": "評価"}

COLUMNS = layout.COLUMNS[layout.PLEDGE]  # its sheet's columns (forms/layout.py: the context and the sheet use them too)


def collecting_year(ds: Dataset, opened: list[FiscalYear]) -> FiscalYear | None:
    """The newest list's year (pledge_form_rows checks the month)."""
    return ds.pledge_lists[-1].as_of.fiscal_year if ds.pledge_lists else None


def examine(x: Examination) -> FormReport:
    """Its list, month and department, then its rows (reportgen.collect.pledge_form_rows)."""
    report, ident = x.report, x.form.identity
    # a pledge list sent with a year (open R7 --pledges 2025-03) closes with that year
    shut = next((y for y in x.closed.values() if y.pledges == str(ident.get("month", ""))), None)
    if shut is not None and shut.fy not in x.reopen:
        return _closed(report, shut)
    pledge_form_rows.examine_pledge(x.ds, x.form, report, x.current, x.years)
    report.recognised = report.refused is None  # its list, month and department are the data's: the cycle records it
    return report


KIND = FormKind(
    key=layout.PLEDGE, name=Msg(ja="市長公約進捗状況記入票", en="pledge progress form"), layout="pledge_form",
    columns={layout.PLEDGE: COLUMNS}, fields=FIELDS,
    send=context.outputs, sheet=pledge_form, read=sheet_form(COLUMNS), extent=sheet_extent(COLUMNS), examine=examine,
    targets=("pledge",), write=pledge_form_rows.apply, collecting_year=collecting_year, listed=True,
)
