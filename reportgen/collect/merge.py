"""The three-way merge: what was sent (its digest), what came back, what data/ holds now → one decision per value."""
from __future__ import annotations

from dataclasses import dataclass, field

from reportgen.forms.identity import digest, evaluation_values
from reportgen.forms.layout import parse_measure_key
from reportgen.rules import era
from reportgen.rules.era import FiscalYear

UNCHANGED, APPLY, CONFLICT = "unchanged", "apply", "conflict"


def decide(sent: str, returned: str, now: str, force: bool = False) -> str:
    """`sent` is the digest of the value the form went out with.

    Returned as sent, or equal to data now: nothing to do. Data unchanged since sending (or
    --force): the department's value is applied. Both changed differently: a conflict, kept for a person.
    """
    if digest(returned) == sent or returned == now:
        return UNCHANGED
    if digest(now) == sent or force:
        return APPLY
    return CONFLICT


def target_key(target: tuple) -> str:
    """Where a value goes, as text (data/cycle.yaml records each applied value under it)."""
    return "/".join(era.short(x, fy2019=era.NATIONAL) if isinstance(x, FiscalYear) else str(x) for x in target)


@dataclass
class Change:
    """One value a form changes: where it goes in data/ and what it becomes."""

    file: str            # relative to data/
    target: tuple        # ("project", id, year, field) or ("measure", key, what, year, sub)
    label: str           # what a clerk reads: 事業名 / 指標名
    field: str
    old: str
    new: str
    written: object      # the value to write into YAML (None: remove)
    shown: str = ""      # the field as the form's header names it, where data names it otherwise (改善・悪化)
    corrects: str = ""   # a correction: the same department's earlier return it supersedes (file, date)


@dataclass
class Overlay:
    """data/ as loaded, plus the changes accepted from earlier forms of this run."""

    ds: object
    force: bool = False
    pending: dict[tuple, str] = field(default_factory=dict)

    def evaluation(self, project, year) -> dict:
        values = evaluation_values(project.evaluations.get(year))
        for fld in list(values):
            t = ("project", project.id, year, fld)
            if t in self.pending:
                values[fld] = self.pending[t]
        return values

    def measure(self, sd, key: str):
        """(measure, sub-item index or None) of a KPI form row's key, or (None, None)."""
        k = parse_measure_key(key)
        if k is None:
            return None, None
        if k.kind == "kpi":
            meas = next((m for m in sd.measures.kpis if m.id == k.id), None)
        else:
            same = [i for i in sd.measures.indicators if str(i.goal) == k.goal]
            meas = same[k.number - 1] if 0 < k.number <= len(same) else None
        if meas is not None and k.sub is not None and not 0 <= k.sub < len(meas.sub_items):
            return None, None
        return meas, k.sub

    def now(self, target: tuple, default: str) -> str:
        """The value as it stands: an earlier form's accepted change, else the data."""
        return self.pending.get(target, default)

    def accept(self, changes: list[Change]) -> None:
        for c in changes:
            self.pending[c.target] = c.new
