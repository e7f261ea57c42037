"""Collecting a returned pledge progress form: its list and year, each row judged with the model's rules, the write-back."""
from __future__ import annotations

import unicodedata

from reportgen.collect import cells
from reportgen.collect.merge import Change, Overlay
from reportgen.collect.report import FormReport, _another_department, _refuse, _Row, _structure
from reportgen.collect.sheet import Cell, ReturnedForm
from reportgen.deliverables.common import circled
from reportgen.deliverables.pledge_form import answering, list_of, newest, parse_item_key
from reportgen.model.loader import Dataset
from reportgen.model.scalars import parse_progress_line
from reportgen.model.schema import PledgeList
from reportgen.rules import era
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import Invalid, Msg, expected_got

# Markers a progress line starts with, as the lists print them (・ for a line, ● for a summary line)
MARKERS = "・●○◎◆◇■□※＊*"
DEFAULT_MARKER = "・"


def progress_text(cell: Cell, now: list[str]) -> str | Msg:
    """A 取組状況 cell → its lines joined by LF: one line per line of the cell (Alt+Enter), blanks at the
    ends of a line and blank lines dropped, a half-width ･ read as ・; a line that is new (not among the
    item's lines now) and starts with no marker gets ・, as the list prints every line. Each line is
    judged by the model's rule for a progress line."""
    whole = cells.text(cell)
    if isinstance(whole, Msg):
        return whole
    lines = []
    for n, raw in enumerate(whole.split("\n"), 1):
        line = raw.strip(" \t\u3000")
        if not line:
            continue
        if line[0] == "･":
            line = unicodedata.normalize("NFKC", line[0]) + line[1:]
        if line not in now and line[0] not in MARKERS:
            line = DEFAULT_MARKER + line
        try:
            lines.append(parse_progress_line(line))
        except Invalid as exc:
            return expected_got(Msg(ja=f"{n}行目: {exc.expected.ja}", en=f"line {n}: {exc.expected.en}"), exc.got)
    return "\n".join(lines)


def examine_pledge(ds: Dataset, form: ReturnedForm, report: FormReport, current: Overlay,
                   years: list[FiscalYear] | None) -> FormReport:
    """The rest of `collecting.examine` for a pledge form (reportgen.formkinds.pledge): the list it is for, the year, the department, its rows."""
    ident = form.identity
    try:
        month = era.parse_year_month(str(ident.get("month")))
    except Invalid:
        return _refuse(report, "様式の公約一覧の年月が読めません", "the month of the form's pledge list is not readable")
    pl = list_of(ds, month)
    shown = era.month_end(month)
    if pl is None:
        return _refuse(report, f"{shown}現在の公約一覧はデータにありません（別の一覧の様式です）",
                       f"the data has no pledge list as of {month} (a form of another list)")
    if years is not None and month.fiscal_year not in years:
        named = "、".join(era.long(y, fy2019=era.NATIONAL) for y in years)
        return _refuse(report, f"{shown}現在の公約一覧（{era.long(month.fiscal_year, fy2019=era.NATIONAL)}）の様式です。指定された年度（{named}）の様式ではありません",
                       f"a form of the pledge list as of {month} ({era.short(month.fiscal_year, fy2019=era.NATIONAL)}), not of the year(s) named")
    latest = newest(ds)
    if years is None and latest is not None and latest.as_of != month:
        return _refuse(report, f"{shown}現在の公約一覧の様式です。いま取り込む一覧は {era.month_end(latest.as_of)}現在です"
                               f"（古い一覧の様式です。この一覧に取り込むには --year {era.short(month.fiscal_year, fy2019=era.NATIONAL)} を指定してください）",
                       f"a form of the pledge list as of {month}, but the list being collected is as of {latest.as_of} "
                       f"(name its year with --year {era.short(month.fiscal_year, fy2019=era.NATIONAL)} to collect it)")
    if report.department not in {d.form_department for d in ds.departments.values()} | {ds.city.planning_office}:
        return _refuse(report, f"様式の部署「{report.department}」はデータにありません",
                       f"the form's department {report.department!r} is not in the data")
    _structure(form, report)
    rel = f"pledges/{month}.yaml"
    for row in ident["rows"]:
        if len(form.row_numbers.get(row["key"], [])) != 1:
            continue
        r = _Row(ds, None, month.fiscal_year, report.department, row["key"], row["base"], form.rows[row["key"]], form,
                 report, current)
        _pledge_row(r, pl, rel)
    if report.problems:
        report.applied, report.conflicts, report.unchanged = [], [], 0
    return report


def _pledge_row(r: _Row, pl: PledgeList, rel: str) -> None:
    found = parse_item_key(r.key)
    pledge = next((p for ch in pl.chapters for p in ch.pledges if found and p.no == found[0]), None)
    if found is None or pledge is None or found[1] >= len(pledge.items):
        r.problem("pledge_status", Msg(ja=f"公約の項目 {r.key} はデータにありません", en=f"pledge item {r.key} is not in the data"))
        return
    no, index = found
    item = pledge.items[index]
    label = f"公約{no} {circled(index)}{item.title}"
    if answering(r.ds, item) != r.department:
        r.problem("pledge_status", _another_department(label, r.department))
        return
    where = ("pledge", str(pl.as_of), no, index)
    now = r.current.now(where + ("progress",), "\n".join(item.progress))
    progress = r.judged("progress", lambda c: progress_text(c, now.split("\n") if now else []))
    if progress is not None:
        r.decide(Change(rel, where + ("progress",), label, "progress", now, progress,
                        progress.split("\n") if progress else []), now)
    now = r.current.now(where + ("pledge_status",), item.status or "")
    status = r.judged("pledge_status", cells.status)
    if status is not None:
        r.decide(Change(rel, where + ("pledge_status",), label, "pledge_status", now, status, status), now)


def apply(doc, c: Change) -> None:
    """Write one accepted change into a pledge list's YAML (round trip: untouched lines keep their form)."""
    from ruamel.yaml.comments import CommentedSeq

    _, _month, no, index, fld = c.target
    pledge = next(p for ch in doc["chapters"] for p in ch["pledges"] if int(str(p["no"])) == no)
    item = pledge["items"][index]
    if fld == "pledge_status":
        item["status"] = c.written
        return
    old = item.get("progress")
    kept = {str(s): s for s in old or []}  # an unchanged line keeps its scalar (and its quoting)
    lines = [kept.get(line, line) for line in c.written]
    if isinstance(old, CommentedSeq) and old and not old.fa.flow_style():
        old[:] = lines
    else:
        seq = CommentedSeq(lines)
        seq.fa.set_block_style()
        if "progress" in item:
            item["progress"] = seq
        else:  # where the list writes it: before the status
            keys = list(item)
            item.insert(keys.index("status") if "status" in keys else len(keys), "progress", seq)

