"""市長公約進捗状況一覧表 (pledge progress list, 町長公約… in a town): Word for publication, Excel for staff; changes since the last list."""
from __future__ import annotations

from reportgen.deliverables import pledge_form  # the departments' progress forms of the same lists
from reportgen.deliverables.common import circled
from reportgen.deliverables.output import Deliverable, Output
from reportgen.model.loader import Dataset
from reportgen.model.scalars import STATUSES
from reportgen.model.schema import PledgeList
from reportgen.rules import era
from reportgen.rules.era import FiscalYear
from reportgen.templating.labels import fill, raw_label
from reportgen.templating.year import YearSettings

KEY = "pledge_list"
DOCUMENT = "{head}公約進捗状況一覧表"  # the file name: 市長公約…, 町長公約…


def lists_in(ds: Dataset, fy: FiscalYear) -> list[PledgeList]:
    return [p for p in ds.pledge_lists if p.as_of.fiscal_year == fy]


def applies(ds: Dataset, fy: FiscalYear) -> bool:
    return bool(lists_in(ds, fy))


def years(ds: Dataset) -> set[FiscalYear]:
    return {p.as_of.fiscal_year for p in ds.pledge_lists}


def previous_of(ds: Dataset, pl: PledgeList) -> PledgeList | None:
    earlier = [p for p in ds.pledge_lists if p.as_of < pl.as_of]
    return earlier[-1] if earlier else None


def context(ds: Dataset, pl: PledgeList, year: YearSettings) -> dict:
    prev = previous_of(ds, pl)
    before = {(p.no, i): it.status for p, i, it in prev.items()} if prev else {}
    counts = {s: 0 for s in STATUSES}
    chapters = []
    for ci, ch in enumerate(pl.chapters):
        pledges = []
        for p in ch.pledges:
            items = []
            for i, it in enumerate(p.items):
                if it.status:
                    counts[it.status] += 1
                was = before.get((p.no, i)) if prev else None
                is_changed = prev is not None and was != it.status
                items.append({"title": circled(i) + it.title, "content": it.content,
                              "progress": "\n".join(it.progress), "status": it.status or "",
                              "changed": is_changed, "previous": was or "",
                              "change": f" ★（{was or '—'}）" if is_changed else ""})
            pledges.append({"no": str(p.no), "category": p.category, "title": p.title, "rows": items})
        chapters.append({"no": str(ci + 1), "title": ch.title, "pledges": pledges})
    n = era.Notation(ds.city.year_notation, year.fy2019)  # the city's notation (city.yaml year_notation)
    ctx = {
        "head": ds.city.head,
        "as_of": n.month(pl.as_of),
        "has_previous": prev is not None,
        "previous_as_of": n.month(prev.as_of) if prev else "",
        "chapters": chapters,
        "summary": [{"code": s, "count": counts[s]} for s in STATUSES],
    }
    # the document's title: the city's own, else the format's (labels key `document`, filled with the head)
    ctx["document"] = ds.city.pledge_title or fill(raw_label(KEY, "document", templates=year.templates), ctx)
    return ctx


def outputs(ds: Dataset, year: YearSettings) -> list[Output]:
    jobs = []
    for pl in lists_in(ds, year.fy):
        ctx = context(ds, pl, year)
        base = f"04_{DOCUMENT.format(head=ctx['head'])}_{ctx['as_of']}"
        title = f"{ctx['document']}【{ctx['as_of']}現在】"
        jobs.append(Output(f"{base}.docx", "docx", "pledge_list.docx", title, ctx))
        # the workbook is the staff's copy to sort and filter; the Word document is what is published
        jobs.append(Output(f"{base}.xlsx", "xlsx", "pledge_list", title, ctx, publish=False))

    jobs.extend(pledge_form.outputs(ds, year))
    return jobs


DELIVERABLE = Deliverable(KEY, applies, outputs, years)
