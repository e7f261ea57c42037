"""collect: take departments' returned forms back into data/, three ways, atomically, never losing a value."""
from __future__ import annotations

import io
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from . import era, forms
from .era import FiscalYear
from .figures import figure_text
from .datastore import recover_data, write_atomically
from .loader import Dataset, StrategyData, load
from .model import EXCEL_CELL_LIMIT, STATUSES, Figure, Invalid
from .numbers import parse_quantity
from .problems import DataError, Msg, Problem, expected_got
from .render.xlsx_read import Cell, FormRefused, ReturnedForm, read_form

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Change:
    """One value a form changes: where it goes in data/ and what it becomes."""

    file: str            # relative to data/
    target: tuple        # ("project", id, round, field) or ("measure", key, kind, year/review, field)
    label: str           # what a clerk reads: 事業名 / 項目
    field: str
    old: str
    new: str
    written: object      # the value to write into YAML


@dataclass
class FormReport:
    path: Path
    department: str = ""
    problems: list[Problem] = field(default_factory=list)
    applied: list[Change] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[tuple[Change, str]] = field(default_factory=list)  # (department's change, data now)
    refused: Msg | None = None


def _problem(form: ReturnedForm | None, path: Path, cell: Cell | None, message: Msg) -> Problem:
    if cell is None:
        return Problem(str(path), 0, 0, "", message)
    sheet = form.sheet if form else ""
    return Problem(str(path), cell.row, cell.column, f"{sheet}!{cell.ref}", message)


def _clean_text(form, path, cell: Cell, report: FormReport) -> str | None:
    """A text the department typed, or None (reported) when it cannot be taken."""
    if cell.formula:
        report.problems.append(_problem(form, path, cell, expected_got(
            Msg(ja="文字（計算式は使えません）", en="text (formulas are not accepted)"), "=" + cell.text.lstrip("="))))
        return None
    if cell.kind in ("date", "bool", "error"):
        report.problems.append(_problem(form, path, cell, expected_got(Msg(ja="文字", en="text"), cell.text)))
        return None
    if _CONTROL.search(cell.text):
        report.problems.append(_problem(form, path, cell, Msg(ja="制御文字が含まれています", en="the text holds control characters")))
        return None
    if len(cell.text) > EXCEL_CELL_LIMIT:
        report.problems.append(_problem(form, path, cell, Msg(ja="文字数が上限を超えています", en="the text is too long")))
        return None
    return cell.text.rstrip()


# ---------------------------------------------------------------------------- recognising forms


def _strategy(ds: Dataset, sid: str) -> StrategyData | None:
    return next((s for s in ds.strategies if s.strategy.id == sid), None)


def examine(ds: Dataset, path: Path, current: "Overlay") -> FormReport:
    """Read one form and decide, value by value, what it changes (against `current`, data plus earlier forms)."""
    report = FormReport(path)
    try:
        form = read_form(path)
    except FormRefused as exc:
        report.refused = exc.message
        return report
    ident = form.identity
    report.department = str(ident.get("department", ""))
    sd = _strategy(ds, str(ident.get("strategy")))
    try:
        year = era.parse_fy(str(ident.get("year")))
    except Invalid:
        year = None
    kind = ident.get("kind")
    if sd is None or year is None or kind not in (forms.EVALUATION, forms.KPI):
        report.refused = Msg(ja="この様式の戦略・年度がデータにありません", en="the form's strategy or year is not in the data")
        return report
    if kind == forms.EVALUATION and not any(r.id == year for r in sd.strategy.rounds):
        report.refused = Msg(ja=f"{era.long(year)} の評価回はデータにありません（別の年度の様式です）",
                             en=f"the data has no evaluation round {era.long(year)} (a form of another year)")
        return report
    if kind == forms.KPI and not sd.strategy.covers(year):
        report.refused = Msg(ja=f"{era.long(year)} は戦略の期間外です（別の年度の様式です）",
                             en=f"{era.long(year)} lies outside the strategy (a form of another year)")
        return report
    roots = {d.form_department for d in ds.departments.values()}
    if report.department not in roots:
        report.refused = Msg(ja=f"様式の部署「{report.department}」はデータにありません",
                             en=f"the form's department {report.department!r} is not in the data")
        return report

    # Tampering: rows added, removed or doubled; locked cells changed.
    for row, key in form.extra_keys:
        report.problems.append(Problem(str(path), row, 1, f"{form.sheet}!A{row}", Msg(
            ja=f"様式にない行です（{key}）: 行の追加・変更はできません", en=f"a row the form was not sent with ({key}): rows cannot be added")))
    for row in ident["rows"]:
        key = row["key"]
        found = form.row_numbers.get(key, [])
        if len(found) != 1:
            report.problems.append(Problem(str(path), found[1] if found else 0, 1, f"{form.sheet}", Msg(
                ja=f"行 {key} が{'ありません' if not found else '重複しています'}（改ざん）",
                en=f"row {key} is {'missing' if not found else 'duplicated'} (tampering)")))
            continue
        cells = form.rows[key]
        for letter, expected in row.get("locked", {}).items():
            cell = cells.get(letter)
            if cell is None or forms.digest(cell.text.replace("\r\n", "\n")) != expected:
                report.problems.append(_problem(form, path, cell, Msg(
                    ja="保護されたセルが変更されています（改ざん）", en="a locked cell was changed (tampering)")))
    if report.problems:
        return report

    for row in ident["rows"]:
        r = _Row(ds, sd, year, report.department, row["key"], row["base"], form.rows[row["key"]],
                 ident["columns"], form, report, current)
        if kind == forms.EVALUATION:
            _evaluation_row(r)
        else:
            _kpi_row(r)
    return report


@dataclass
class _Row:
    """One returned row and everything needed to judge it."""

    ds: Dataset
    sd: StrategyData
    year: FiscalYear
    department: str
    key: str
    base: dict
    cells: dict
    columns: dict
    form: ReturnedForm
    report: FormReport
    current: "Overlay"

    def cell(self, field_name: str) -> Cell:
        return self.cells[self.columns[field_name]]

    def problem(self, cell: Cell | None, message: Msg) -> None:
        self.report.problems.append(_problem(self.form, self.report.path, cell, message))

    def text(self, field_name: str) -> str | None:
        return _clean_text(self.form, self.report.path, self.cell(field_name), self.report)

    def mine(self, departments) -> bool:
        return any(self.ds.form_department(d) == self.department for d in departments)

    def decide(self, change: Change, now: str) -> None:
        """Three ways: sent (the base digest), returned (change.new), data now."""
        report = self.report
        if forms.digest(change.new) == self.base.get(change.field, "") or change.new == now:
            report.unchanged += 1
        elif forms.digest(now) == self.base.get(change.field, "") or self.current.force:
            report.applied.append(change)
        else:
            report.conflicts.append((change, now))


def _another_department(name: str, department: str) -> Msg:
    return Msg(ja=f"{name} は {department} の担当ではありません（別の部署の様式です）",
               en=f"{name} is not {department}'s (a form of another department)")


def _evaluation_row(r: _Row) -> None:
    project = next((p for p in r.sd.projects.projects if p.id == r.key), None)
    if project is None:
        r.problem(r.cell("status"), Msg(ja=f"事業 {r.key} はデータにありません", en=f"project {r.key} is not in the data"))
        return
    if not r.mine(project.departments):
        r.problem(r.cell("status"), _another_department(project.name, r.department))
        return
    rel = f"strategies/{r.sd.strategy.id}/projects.yaml"
    now = r.current.evaluation(project, r.year)
    for fld in r.columns:
        if fld == "status" and not r.cell(fld).formula:
            text = unicodedata.normalize("NFKC", r.cell(fld).text).strip().upper()
            if text not in STATUSES + ("",):
                r.problem(r.cell(fld), expected_got(Msg(ja="A, B, C, D のいずれか", en="one of A, B, C, D"), r.cell(fld).text))
                continue
        else:
            text = r.text(fld)
            if text is None:
                continue
        r.decide(Change(rel, ("project", r.key, r.year, fld), project.name, fld, now.get(fld, ""), text, text), now.get(fld, ""))


def _kpi_row(r: _Row) -> None:
    meas, sub = r.current.measure(r.sd, r.key)
    if meas is None:
        r.problem(r.cell("value"), Msg(ja=f"指標 {r.key} はデータにありません", en=f"measure {r.key} is not in the data"))
        return
    defined = meas.as_of(r.year)
    label = defined.name if sub is None else f"{defined.name} {meas.sub_items[sub].name}"
    owners = meas.sub_items[sub].departments if sub is not None else (
        list(defined.departments) + [d for s in defined.sub_items for d in s.departments])
    if not r.mine(owners):
        r.problem(r.cell("value"), _another_department(label, r.department))
        return
    rel = f"strategies/{r.sd.strategy.id}/kpis.yaml"
    if sub is None and "value" in r.base:
        _kpi_value(r, meas, defined, label, rel)
    review = next((v for v in r.sd.strategy.reviews if v.from_ <= r.year <= v.to), None)
    if review is not None and "rating" in r.base:
        _kpi_rating(r, meas if sub is None else meas.sub_items[sub], review, sub, label, rel)


def _kpi_value(r: _Row, meas, defined, label: str, rel: str) -> None:
    text = r.text("value")
    if text is None:
        return
    target = ("measure", r.key, "actual", r.year, None)
    now = r.current.now(target, figure_text(meas.actuals[r.year], as_of="note") if r.year in meas.actuals else "")
    if text == "" or forms.digest(text) == r.base["value"]:  # emptied, or returned as sent ((R03) notes included)
        new, written = text, None
    else:
        fig = _parse_value(text, defined, r.sd)
        if isinstance(fig, Msg):
            r.problem(r.cell("value"), fig)
            return
        new, written = figure_text(fig, as_of="note"), fig
    r.decide(Change(rel, target, label, "value", now, new, written), now)


def _kpi_rating(r: _Row, holder, review, sub, label: str, rel: str) -> None:
    rating_text, reason = r.text("rating"), r.text("reason")
    if rating_text is None or reason is None:
        return
    rating_text = unicodedata.normalize("NFKC", rating_text).strip()
    if rating_text not in ("", "1", "2", "3", "4"):
        r.problem(r.cell("rating"), expected_got(Msg(ja="評価 1～4", en="a rating 1–4"), r.cell("rating").text))
        return
    rated = holder.ratings.get(review.id)
    for fld, new, now in (("rating", rating_text, str(rated.rating) if rated else ""),
                          ("reason", reason, rated.reason if rated else "")):
        target = ("measure", r.key, fld, review.id, sub)
        now = r.current.now(target, now)
        r.decide(Change(rel, target, label, fld, now, new, new), now)


def _parse_value(text: str, meas, sd: StrategyData) -> Figure | Msg:
    """A year-end value typed by a department: a number in the measure's unit (the unit may be left
    out), or a state already used in the data (未発表, —, …)."""
    t = unicodedata.normalize("NFKC", text).strip()
    as_of = None
    m = re.fullmatch(r"(.*?)\s*\(([RHS]\d{1,2})\)", t)
    if m:  # a year note as the sheet prints it: 4,743事業所 (R03)
        try:
            as_of = era.parse_fy(m.group(2))
            t = m.group(1)
        except Invalid:
            pass
    states = sorted({f.state for m in list(sd.measures.indicators) + list(sd.measures.kpis)
                     for f in m.actuals.values() if f.state} | {"未発表", "-", "—"})
    if text.strip() in states:
        return Figure(state=text.strip())
    try:
        q = parse_quantity(t)
    except Invalid:
        q = None
    if q is not None and q.unit == "" and meas.unit:
        q = type(q)(q.number, meas.unit, q.prefix, q.minus)
    if q is not None and q.unit == meas.unit and (not q.prefix or q.prefix == meas.prefix):
        return Figure(value=q, as_of=as_of)
    example = f"1,234{meas.unit}"
    return Msg(ja=f"単位 {meas.unit or '（なし）'} の数値（例: {example}）または {'、'.join(states)} が必要です。書かれていた値: {text!r}",
               en=f"expected a number in {meas.unit or 'no unit'} such as {example}, or one of {', '.join(states)}, got {text!r}")


# ---------------------------------------------------------------------------- the data as it stands


@dataclass
class Overlay:
    """data/ as loaded, plus the changes accepted from earlier forms of this run."""

    ds: Dataset
    force: bool = False
    pending: dict[tuple, object] = field(default_factory=dict)

    def evaluation(self, project, year) -> dict:
        values = forms.evaluation_values(project.evaluations.get(year))
        for fld in list(values):
            t = ("project", project.id, year, fld)
            if t in self.pending:
                values[fld] = self.pending[t]
        return values

    def measure(self, sd: StrategyData, key: str):
        parts = key.split(":")
        sub = int(parts[-1]) - 1 if ":sub:" in key else None
        if parts[0] == "kpi":
            meas = next((k for k in sd.measures.kpis if k.id == parts[1]), None)
        else:
            goal, n = parts[1], int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 0
            same = [i for i in sd.measures.indicators if str(i.goal) == goal]
            meas = same[n - 1] if 0 < n <= len(same) else None
        if meas is not None and sub is not None and not 0 <= sub < len(meas.sub_items):
            return None, None
        return meas, sub

    def now(self, target: tuple, default: str) -> str:
        """The value as it stands: an earlier form's accepted change, else the data."""
        return self.pending.get(target, default)

    def accept(self, change: Change) -> None:
        self.pending[change.target] = change.new


# ---------------------------------------------------------------------------- writing data/


def _yaml():
    from ruamel.yaml import YAML

    y = YAML()  # round trip: comments, order and quoting of untouched parts are kept
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    y.allow_unicode = True
    return y


def _key_for(mapping, fy: FiscalYear):
    for k in mapping:
        try:
            if era.parse_fy(str(k)) == fy:
                return k
        except Invalid:
            pass
    return era.short(fy)


def _yaml_text(text: str):
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    if "\n" in text:
        return LiteralScalarString(text)
    return DoubleQuotedScalarString(text) if text == "" or text[0] in "-?:,[]{}#&*!|>'\"%@`・●" or ": " in text or " #" in text else text


def _figure_yaml(fig: Figure):
    from ruamel.yaml.comments import CommentedMap

    if fig.state is not None or fig.as_of is not None:
        m = CommentedMap()
        if fig.state is not None:
            m["state"] = fig.state
        else:
            m["value"] = _yaml_text(figure_text(fig, as_of="never"))
            m["as_of"] = era.short(fig.as_of, pad=2)
        m.fa.set_flow_style()
        return m
    return _yaml_text(figure_text(fig, as_of="never"))


def apply_changes(data: Path, changes: list[Change]) -> list[str]:
    """Write the accepted changes into the YAML files; returns the files changed (relative)."""
    from ruamel.yaml.comments import CommentedMap

    y = _yaml()
    by_file: dict[str, list[Change]] = {}
    for c in changes:
        by_file.setdefault(c.file, []).append(c)
    new_texts: dict[str, str] = {}
    for rel, items in by_file.items():
        doc = y.load((data / rel).read_text(encoding="utf-8"))
        for c in items:
            if c.target[0] == "project":
                _, pid, fy, fld = c.target
                project = next(p for p in doc["projects"] if str(p["id"]) == pid)
                evs = project.setdefault("evaluations", CommentedMap())
                k = _key_for(evs, fy)
                ev = evs.setdefault(k, CommentedMap())
                ev[fld] = _yaml_text(c.written)
            else:
                _, key, what, fy, sub = c.target
                parts = key.split(":")
                if parts[0] == "kpi":
                    meas = next(m for m in doc["kpis"] if str(m["id"]) == parts[1])
                else:
                    same = [m for m in doc["indicators"] if str(m["goal"]) == parts[1]]
                    meas = same[int(parts[2]) - 1]
                if what == "actual":
                    actuals = meas.setdefault("actuals", CommentedMap())
                    k = _key_for(actuals, fy)
                    if c.written is None:
                        actuals.pop(k, None)
                    else:
                        actuals[k] = _figure_yaml(c.written)
                else:
                    holder = meas if sub is None else meas["sub_items"][sub]
                    ratings = holder.setdefault("ratings", CommentedMap())
                    k = _key_for(ratings, fy)
                    r = ratings.setdefault(k, CommentedMap())
                    if what == "rating":
                        if c.written:
                            r["rating"] = int(c.written)
                        else:
                            r.pop("rating", None)
                    else:
                        r["reason"] = _yaml_text(c.written)
        buf = io.StringIO()
        y.dump(doc, buf)
        new_texts[rel] = buf.getvalue()
    write_atomically(data, new_texts)
    return sorted(new_texts)


# ---------------------------------------------------------------------------- the verb


def run_collect(args, lang: str) -> int:
    data: Path = args.data
    with _data_lock(data):
        recover_data(data)
        ds = load(data)
        overlay = Overlay(ds, force=args.force)
        reports = []
        accepted: list[Change] = []
        for path in args.files:
            report = examine(ds, path, overlay)
            reports.append(report)
            if report.refused is None and not report.problems:
                for c in report.applied:
                    overlay.accept(c)
                accepted.extend(report.applied)
        written: list[str] = []
        if accepted and not args.dry_run:
            before = {rel: (data / rel).read_text(encoding="utf-8") for rel in {c.file for c in accepted}}
            written = apply_changes(data, accepted)
            try:
                load(data)  # the merged data must still be valid data
            except DataError:
                write_atomically(data, before)
                raise
    return _print(reports, written, lang, args.dry_run)


class _data_lock:
    """collect's lock on data/ (a build reading data/ meanwhile sees the old or the new state)."""

    def __init__(self, data: Path):
        self.data = data

    def __enter__(self):
        import fcntl

        if not self.data.is_dir():
            raise DataError([Problem(str(self.data), 0, 0, "", Msg(ja="データフォルダがありません", en="no such data folder"))])
        self.f = open(self.data / ".lock", "a+")
        fcntl.flock(self.f, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        import fcntl

        fcntl.flock(self.f, fcntl.LOCK_UN)
        self.f.close()


def _short(text: str, n: int = 30) -> str:
    one = text.replace("\n", " ")
    return one if len(one) <= n else one[: n - 1] + "…"


def _print(reports: list[FormReport], written: list[str], lang: str, dry_run: bool) -> int:
    bad = 0
    out = sys.stdout
    for r in reports:
        head = f"{r.path}" + (f"（{r.department}）" if r.department and lang == "ja" else f" ({r.department})" if r.department else "")
        if r.refused is not None:
            bad += 1
            print(f"{r.path}: " + Msg(ja="受け付けません: ", en="refused: ")(lang) + r.refused(lang), file=sys.stderr)
            continue
        if r.problems:
            bad += 1
            for p in r.problems:
                print(p.render(lang), file=sys.stderr)
            print(f"{r.path}: " + Msg(ja=f"問題 {len(r.problems)} 件のため、この様式は取り込みません",
                                      en=f"{len(r.problems)} problem(s): this form is not collected")(lang), file=sys.stderr)
            continue
        print(head + ": " + Msg(ja=f"変更 {len(r.applied)} 件、変更なし {r.unchanged} 件、競合 {len(r.conflicts)} 件",
                                en=f"{len(r.applied)} change(s), {r.unchanged} unchanged, {len(r.conflicts)} conflict(s)")(lang), file=out)
        for c in r.applied:
            print(f"  {c.label} / {c.field}: {_short(c.old) or '（空）'} → {_short(c.new) or '（空）'}", file=out)
        for c, now in r.conflicts:
            bad += 1
            print("  " + Msg(ja="競合（データ側も送付後に変更されています。--force で様式の値を採用）",
                             en="conflict (data/ changed too since the form was sent; --force takes the form's value)")(lang)
                  + f": {c.label} / {c.field}: data={_short(now)!r} form={_short(c.new)!r}", file=sys.stderr)
    if dry_run:
        print(Msg(ja="--dry-run: 何も書き込んでいません", en="--dry-run: nothing was written")(lang), file=out)
    elif written:
        print(Msg(ja=f"書き込み: {', '.join(written)}（変更前は .backups/ に保存）",
                  en=f"wrote: {', '.join(written)} (previous state kept in .backups/)")(lang), file=out)
    return 1 if bad else 0
