"""What became of each returned form: its problems at their cells, its changes and conflicts; the row being judged."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportgen.collect.merge import APPLY, CONFLICT, UNCHANGED, Change, Overlay, decide, target_key
from reportgen.collect.sheet import Cell, ReturnedForm
from reportgen.forms.identity import digest
from reportgen.model import cycle_state
from reportgen.model.loader import Dataset, StrategyData
from reportgen.rules import era
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import Msg, show


@dataclass(frozen=True)
class FormProblem:
    """A problem of a returned form, at its cell where it has one: `入力表!F10: 状況: …`."""

    sheet: str
    ref: str
    field: str
    message: Msg


@dataclass
class FormReport:
    """What became of one form: applied, refused (with every reason), or applied with conflicts waiting."""

    path: Path
    kind: str = ""
    department: str = ""
    year: FiscalYear | None = None
    build: str = ""
    strategy: str = ""
    recognised: bool = False  # its identity passed (city, data set, year, department): the cycle records it
    sha256: str = ""  # of the bytes judged (read once: the file is not opened again to record it)
    refused: Msg | None = None
    problems: list[FormProblem] = field(default_factory=list)
    applied: list[Change] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[tuple[Change, str]] = field(default_factory=list)  # (department's change, data now)
    # target key → (value, file, date): what the latest earlier return of this same form applied
    earlier: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    notes: list[Msg] = field(default_factory=list)  # contradictions with another form or the data, by name

    @property
    def accepted(self) -> bool:
        return self.refused is None and not self.problems

    def settle(self, change: Change, sent: str, now: str, force: bool) -> None:
        """The three-way merge of one value (sent, returned, data now), filed as unchanged, applied or a conflict."""
        outcome = decide(sent, change.new, now, force)
        if outcome == CONFLICT and change.target and target_key(change.target) in self.earlier:
            value, file, date = self.earlier[target_key(change.target)]
            if value == now:  # data still holds what this department's earlier return put there: a correction
                change.corrects = f"{file}、{date}"
                outcome = APPLY
        if outcome == UNCHANGED:
            self.unchanged += 1
        elif outcome == APPLY:
            self.applied.append(change)
        elif outcome == CONFLICT:
            self.conflicts.append((change, now))


@dataclass
class CollectResult:
    reports: list[FormReport]
    written: list[str]          # data files rewritten (relative to data/)
    dry_run: bool
    years: dict[str, FiscalYear]  # the year being collected, by form kind
    recorded: bool = False        # the forms' outcomes were entered in the cycle's state (data/cycle.yaml)

    @property
    def refused(self) -> list[FormReport]:
        return [r for r in self.reports if not r.accepted]

    @property
    def ok(self) -> bool:
        return not self.refused and not any(r.conflicts for r in self.reports)


def _refuse(report: FormReport, ja: str, en: str) -> FormReport:
    report.refused = Msg(ja=ja, en=en)
    return report


def _closed(report: FormReport, shut) -> FormReport:
    """A form of a closed year (data/cycle.yaml): refused, with the flag that takes it."""
    year = shut.fy
    return _refuse(report, f"{era.long(year, fy2019=era.NATIONAL)} は {cycle_state.shown(shut.closed)} に締め切られています（data/cycle.yaml）。締切後に届いた様式は"
                           f"取り込みません。取り込むには --reopen {era.short(year, fy2019=era.NATIONAL)} を指定してください（取り込んだ後は "
                           f"{era.short(year, fy2019=era.NATIONAL)} の訂正版を generate.py correct {era.short(year, fy2019=era.NATIONAL)} --reason \"理由\" で作成してください）",
                   f"{era.short(year, fy2019=era.NATIONAL)} was closed on {cycle_state.shown(shut.closed)} (data/cycle.yaml): a late form is not taken; name the year "
                   f"with --reopen {era.short(year, fy2019=era.NATIONAL)} to take it (then write a corrected edition with generate.py correct {era.short(year, fy2019=era.NATIONAL)} --reason \"why\")")


def _structure(form: ReturnedForm, report: FormReport) -> None:
    """Rows added, removed or doubled; locked cells changed; text typed where the form has no input."""
    add = report.problems.append
    for row, key in form.extra_keys:
        add(FormProblem(form.sheet, f"A{row}", "", Msg(
            ja=f"様式にない行です（{key}）: 行の追加・変更はできません", en=f"a row the form was not sent with ({key}): rows cannot be added")))
    for cell in form.stray:
        add(FormProblem(form.sheet, cell.ref, "", Msg(
            ja=f"様式の入力欄の外に書かれています（{show(cell.text)}）: 挿入した行や列には書けません。色付きのセルに書いてください",
            en=f"text outside the form's input cells ({show(cell.text)}): an inserted row or column is not read; "
               "write it in a tinted cell")))
    for row in form.identity["rows"]:
        key = row["key"]
        found = form.row_numbers.get(key, [])
        if len(found) != 1:
            add(FormProblem(form.sheet, f"A{found[1]}" if found else "", "", Msg(
                ja=f"行 {key} が{'ありません' if not found else '重複しています'}（改ざん）",
                en=f"row {key} is {'missing' if not found else 'duplicated'} (tampering)")))
            continue
        cells = form.rows[key]
        for letter, expected in row.get("locked", {}).items():
            cell = cells.get(letter)
            if cell is None or digest(cell.text) != expected:
                add(FormProblem(form.sheet, cell.ref if cell else f"{letter}{found[0]}", "", Msg(
                    ja="保護されたセルが変更されています（改ざん）", en="a locked cell was changed (tampering)")))


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
    form: ReturnedForm
    report: FormReport
    current: Overlay

    def cell(self, name: str) -> Cell:
        return self.cells[self.form.column(name).letter]

    def problem(self, name: str, message: Msg, shown: str | None = None) -> None:
        self.report.problems.append(FormProblem(self.form.sheet, self.cell(name).ref, shown or name, message))

    def judged(self, name: str, rule) -> object | None:
        """The rule's value for the cell, or None (reported at the cell). A cell sent with a value and
        returned empty is refused: a cleared answer is never taken as "delete it from data/"."""
        value = rule(self.cell(name))
        if isinstance(value, Msg):
            self.problem(name, value)
            return None
        if value == "" and self.base.get(name, digest("")) != digest(""):
            self.problem(name, Msg(
                ja="送付時に記入されていた値が消されています。消すことはできません: 元の値に戻すか、新しい値を記入してください",
                en="the value the form was sent with was cleared; answers cannot be deleted: restore it or write a new one"))
            return None
        return value

    def mine(self, departments) -> bool:
        return any(self.ds.form_department(d) == self.department for d in departments)

    def decide(self, change: Change, now: str) -> None:
        self.report.settle(change, self.base.get(change.field, ""), now, self.current.force)


def _another_department(name: str, department: str) -> Msg:
    return Msg(ja=f"{name} は {department} の担当ではありません（別の部署の様式です）",
               en=f"{name} is not {department}'s (a form of another department)")
