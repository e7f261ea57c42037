"""Pledge progress forms (市長公約進捗状況 記入票): who answers for which pledge item, and each department's form of a list (pure)."""
from __future__ import annotations

from reportgen.deliverables.common import circled
from reportgen.deliverables.output import Output
from reportgen.forms import layout
from reportgen.forms.identity import identity
from reportgen.model.loader import Dataset
from reportgen.model.schema import PledgeItem, PledgeList
from reportgen.rules import era
from reportgen.rules.era import FiscalYear, YearMonth
from reportgen.templating.labels import raw_label
from reportgen.templating.year import YearSettings

DOCUMENT = "市長公約進捗状況記入票"
FIELDS = layout.FIELDS[layout.PLEDGE]  # ("progress", "pledge_status")


def answering(ds: Dataset, item: PledgeItem) -> str:
    """The department whose form holds a pledge item: the one the item names (a sub-unit's parent, as
    for the other forms), else the planning office. The one rule of the form and of `collect`."""
    return ds.form_department(item.department) if item.department else ds.city.planning_office


def item_key(no: int, index: int) -> str:
    """A form row's key: `pledge:<pledge no>:<item number, 1-based>` (pledge numbers are stable across lists)."""
    return f"pledge:{no}:{index + 1}"


def parse_item_key(key: str) -> tuple[int, int] | None:
    """(pledge no, 0-based item index) of a row key, or None when it is not one reportgen makes."""
    parts = key.split(":")
    if len(parts) != 3 or parts[0] != "pledge" or not parts[1].isdigit() or not parts[2].isdigit() or int(parts[2]) < 1:
        return None
    return int(parts[1]), int(parts[2]) - 1


def list_of(ds: Dataset, month: YearMonth) -> PledgeList | None:
    return next((p for p in ds.pledge_lists if p.as_of == month), None)


def lists_in(ds: Dataset, fy: FiscalYear) -> list[PledgeList]:
    return [p for p in ds.pledge_lists if p.as_of.fiscal_year == fy]


def newest(ds: Dataset) -> PledgeList | None:
    """The list being collected: the newest one (the one `open --pledges` carried over last)."""
    return ds.pledge_lists[-1] if ds.pledge_lists else None


def form_departments(ds: Dataset, pl: PledgeList) -> dict[str, list[tuple]]:
    """Department → its (chapter number, chapter, pledge, index, item), in the list's order."""
    out: dict[str, list[tuple]] = {}
    for ci, ch in enumerate(pl.chapters, 1):
        for p in ch.pledges:
            for i, it in enumerate(p.items):
                out.setdefault(answering(ds, it), []).append((ci, ch, p, i, it))
    return out


def status_legend(status_labels: dict) -> str:
    """`A 完了　B 実施中　C 着手　D 未着手` from the pledge list's own status labels (one definition)."""
    return "　".join(f"{code} {text}" for code, text in status_labels.items())


def form_context(ds: Dataset, pl: PledgeList, department: str, entries: list[tuple], status_labels: dict,
                 year: YearSettings) -> dict:
    rows = []
    for ci, ch, p, i, it in entries:
        rows.append({
            "id": item_key(p.no, i), "chapter": f"第{ci}章 {ch.title}", "pledge": f"{p.no}:【{p.category}】{p.title}",
            "item": circled(i) + it.title, "content": it.content, "progress": "\n".join(it.progress),
            "pledge_status": it.status or "", "department": it.department or ds.city.planning_office,
        })
    named = era.Notation(ds.city.year_notation, year.fy2019)  # the city's notation (city.yaml year_notation)
    as_of = named.month(pl.as_of)
    ctx = {
        "city": ds.city.name, "department": department, "planning_office": ds.city.planning_office, "as_of": as_of,
        "year": named.long(pl.as_of.fiscal_year),
        "legend": status_legend(status_labels), "statuses": list(status_labels), "rows": rows,
        "password": ds.city.form_password or "",
    }
    ctx["identity"] = identity(layout.PLEDGE, ds, "", pl.as_of.fiscal_year, department, rows, FIELDS,
                               extra={"month": str(pl.as_of)}, fy2019=year.fy2019)
    return ctx


def form_name(pl: PledgeList, department: str, style: str = "short") -> str:
    return f"forms/{DOCUMENT}_{era.Notation(style, era.NATIONAL).month(pl.as_of)}_{department}.xlsx"


def outputs(ds: Dataset, year: YearSettings) -> list:
    """One form per answering department for each pledge list dated in `fy` (as the other forms: every
    year's archive keeps the forms it sent; `collect` takes those of the newest list)."""

    jobs = []
    for pl in lists_in(ds, year.fy):
        # the statuses as the list prints them (its labels file), read from the year's template set
        status_labels = raw_label("pledge_list", "status_labels", templates=year.templates)
        for dept, entries in form_departments(ds, pl).items():
            ctx = form_context(ds, pl, dept, entries, status_labels, year)
            jobs.append(Output(form_name(pl, dept, ds.city.year_notation), "xlsx", "pledge_form",
                               f"市長公約進捗状況記入票【{ctx['as_of']}現在】（{dept}）", ctx, publish=False))
    return jobs
