"""Collecting the office's registry: each row judged with the model's rules, merged three ways, new ids assigned.

Rows of registered items change their fields (a project's name and 取組内容 from the year being
collected, through `years`; a KPI's definition through a revision `since` that year; 廃止 as
`ended`); a spare row with text is a new item, given the next id of the strategy's scheme. A
deleted row of an item is refused: an item is ended with 廃止, never removed, so its id is never
reused; a deleted spare row is nothing (it held nothing).
"""
from __future__ import annotations

from dataclasses import dataclass

from reportgen.collect import registry_ids as ids
from reportgen.collect import registry_rules as rules
from reportgen.collect.merge import Change, Overlay
from reportgen.collect.registry_read import RegistryForm
from reportgen.collect.report import FormProblem
from reportgen.collect.sheet import Cell
from reportgen.deliverables.registry_form import kpi_values, project_values
from reportgen.forms import registry_layout as rl
from reportgen.forms.identity import digest
from reportgen.forms.layout import column
from reportgen.model import scalars, schema
from reportgen.model.loader import Dataset, StrategyData
from reportgen.rules import era
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import Msg, show

PROJECTS_FILE, KPIS_FILE = "strategies/{}/projects.yaml", "strategies/{}/kpis.yaml"
TARGET_STATES = ("調整中",)


@dataclass
class _Sheet:
    """One sheet of the returned registry and where its problems go."""

    ds: Dataset
    sd: StrategyData
    year: FiscalYear
    kind: str
    form: object      # ReturnedForm of the sheet
    report: object    # collecting.FormReport
    current: Overlay

    def problem(self, ref: str, name: str, message: Msg) -> None:
        self.report.problems.append(FormProblem(self.form.sheet, ref, name, message))

    def ref(self, key: str, name: str) -> str:
        return f"{column(self.kind, name).letter}{self.form.row_numbers[key][0]}"


def examine(ds: Dataset, sd: StrategyData, year: FiscalYear, form: RegistryForm, report, current: Overlay) -> None:
    """Every problem of both sheets at once; the changes (applied or in conflict) into `report`."""
    names: dict[tuple[str, str], str] = {}
    for kind in rl.PARTS:
        sheet = _Sheet(ds, sd, year, kind, form.parts[kind], report, current)
        _structure(sheet)
        for row in sheet.form.identity["rows"]:
            key = row["key"]
            if len(sheet.form.row_numbers.get(key, [])) != 1:
                continue
            cells = sheet.form.rows[key]
            judged = _judge(sheet, key, row["base"], cells)
            if judged is None:
                continue
            if rl.is_spare(key):
                if any(v[0] for v in judged.values()):
                    (_new_project if kind == rl.PROJECTS else _new_kpi)(sheet, key, judged, names)
            elif kind == rl.PROJECTS:
                _project(sheet, key, row["base"], judged, names)
            else:
                _kpi(sheet, key, row["base"], judged)


def _structure(s: _Sheet) -> None:
    """Rows deleted, doubled or added with a key; the id column changed; text outside the input cells."""
    f = s.form
    for row, key in f.extra_keys:
        s.problem(f"A{row}", "", Msg(ja=f"登録簿にない行です（{key}）: 新しい事業・KPIは ID が空欄の行に記入してください",
                                     en=f"a row the registry was not sent with ({key}): write new items in the rows without an id"))
    for cell in f.stray:
        s.problem(cell.ref, "", Msg(ja=f"入力欄の外に書かれています（{show(cell.text)}）: 色付きのセルに書いてください",
                                    en=f"text outside the input cells ({show(cell.text)}): write it in a tinted cell"))
    for row in f.identity["rows"]:
        key, found = row["key"], f.row_numbers.get(row["key"], [])
        if not found and rl.is_spare(key):
            continue  # a spare row sent empty holds nothing: deleting it (a tidy-up) changes nothing
        if not found:
            s.problem("", "", Msg(
                ja=f"{_shown(s, key)}の行が削除されています: 登録簿の行は削除できません（やめる事業・KPIは「廃止」に年度を記入してください）",
                en=f"the row of {_shown(s, key)} was deleted: registry rows cannot be deleted (end an item with a year in 廃止)"))
        elif len(found) > 1:
            what = Msg(ja="ID が空欄の行", en="a row without an id") if rl.is_spare(key) else Msg(ja=_shown(s, key), en=_shown(s, key))
            s.problem(f"B{found[1]}", "", Msg(
                ja=f"{found[1]} 行目は {found[0]} 行目（{what.ja}）の複製です: 行のコピー・挿入はできません（新しい事業・KPIは ID が空欄の行に記入してください）",
                en=f"row {found[1]} is a copy of row {found[0]} ({what.en}): rows cannot be copied or inserted "
                   "(write new items in the rows without an id)"))
        else:
            for letter, expected in row.get("locked", {}).items():
                cell = f.rows[key].get(letter)
                if cell is None or digest(cell.text) != expected:
                    s.problem(cell.ref if cell else f"{letter}{found[0]}", "id", Msg(
                        ja=f"ID は変更できません（送付時: {key if not rl.is_spare(key) else '空欄'}）",
                        en=f"the id cannot be changed (sent: {key if not rl.is_spare(key) else 'empty'})"))


def _shown(s: _Sheet, key: str) -> str:
    """A registered row as the sheet shows it: its id and name (the id alone if the data no longer has it)."""
    item = _item(s, key)
    if item is None:
        return key
    return f"{key}「{item.name_in(s.year) if s.kind == rl.PROJECTS else item.as_of(s.year).name}」"


def _judge(s: _Sheet, key: str, base: dict, cells: dict) -> dict | None:
    """(text, value) of every input cell by the model's rules, or None when a cell is refused (reported)."""
    item = None if rl.is_spare(key) else _item(s, key)
    if item is None and not rl.is_spare(key):
        s.problem(s.ref(key, "name"), "", Msg(ja=f"{key} はデータにありません", en=f"{key} is not in the data"))
        return None
    known_policies = [p.id for g in s.sd.strategy.goals for p in g.policies]
    period = s.sd.strategy.period
    cell = {name: cells[column(s.kind, name).letter] for name in rl.FIELDS[s.kind]}
    out: dict = {}
    if s.kind == rl.PROJECTS:
        out["first_year"] = rules.first_year(cell["first_year"])
        start = out["first_year"][1] if not isinstance(out["first_year"], Msg) else None
        start_fy = scalars.parse_first_year(start).year if start else (item.first_year.year if item else s.year)
        out.update(name=rules.text(cell["name"]), description=rules.text(cell["description"]),
                   policy=rules.policy_ids(cell["policy"], known_policies, many=False),
                   departments=rules.departments(cell["departments"], s.ds.departments), work=rules.text(cell["work"]),
                   ended=rules.ended(cell["ended"], start_fy, period))
    else:
        unit, prefix = rules.text(cell["unit"]), rules.text(cell["prefix"])
        meas = rules.measure(unit[1] if not isinstance(unit, Msg) else "", prefix[1] if not isinstance(prefix, Msg) else "")
        out.update(policies=rules.policy_ids(cell["policies"], known_policies, many=True), name=rules.text(cell["name"]),
                   unit=unit, prefix=prefix, direction=rules.direction(cell["direction"]),
                   baseline=_unchanged_or(cell["baseline"], base.get("baseline"), lambda c: rules.baseline(c, meas)),
                   target=_unchanged_or(cell["target"], base.get("target"), lambda c: rules.target(c, meas, _target_states(s.sd))),
                   departments=rules.departments(cell["departments"], s.ds.departments),
                   ended=rules.ended(cell["ended"], item.since if item else s.year, period))
    ok = True
    for name, got in out.items():
        if isinstance(got, Msg):
            s.problem(cell[name].ref, name, got)
            ok = False
        elif not got[0] and ((not rl.is_spare(key) and name in rl.REQUIRED[s.kind]) or (
                rl.is_spare(key) and name in rl.REQUIRED_NEW[s.kind] and any(not isinstance(v, Msg) and v[0] for v in out.values()))):
            s.problem(cell[name].ref, name, Msg(
                ja="空欄にはできません（登録に必要な項目です）" if rl.is_spare(key) else
                   "送付時に記入されていた値が消されています。登録に必要な項目なので消せません",
                en="required for a registered item" if rl.is_spare(key) else "a required value was cleared"))
            ok = False
    return out if ok else None


def _unchanged_or(cell, sent: str | None, rule):
    """A cell returned exactly as sent is taken as sent, unparsed (a figure's (R02) note is the sheet's own
    writing); its value None tells the merge nothing was typed."""
    if cell.kind == "text" and not cell.formula and sent is not None and digest(cell.text) == sent:
        return (cell.text, None)
    return rule(cell)


def _target_states(sd: StrategyData) -> tuple[str, ...]:
    found = {k.target.state for k in sd.measures.kpis if k.target.state}
    return tuple(dict.fromkeys([*TARGET_STATES, *sorted(found)]))


def _item(s: _Sheet, key: str):
    items = s.sd.projects.projects if s.kind == rl.PROJECTS else s.sd.measures.kpis
    return next((i for i in items if i.id == key), None)


def _decide(s: _Sheet, change: Change, sent: str, now: str) -> None:
    s.report.settle(change, sent, now, s.current.force)


def _project(s: _Sheet, key: str, base: dict, judged: dict, names: dict) -> None:
    p = _item(s, key)
    now = project_values(p, s.year, fy2019=era.NATIONAL)
    rel = PROJECTS_FILE.format(s.sd.strategy.id)
    after = {}
    for name, (txt, value) in judged.items():
        target = ("registry", "project", key, name, s.year)
        current = s.current.now(target, now[name])
        after[name] = txt if digest(txt) != base.get(name) else current
        _decide(s, Change(rel, target, f"{key} {now['name']}", name, current, txt, value), base.get(name, digest("")), current)
    ended = rules.year(_text_cell(after["ended"]))
    if ended[1] is None or ended[1] > s.year:  # an item ended by this year is out of its documents: its name is free
        same = schema.same_name_problem(after["name"], after["policy"], key, names)
        if same is not None:
            s.problem(s.ref(key, "name"), "name", same)


def _kpi(s: _Sheet, key: str, base: dict, judged: dict) -> None:
    k = _item(s, key)
    now = kpi_values(k, s.year, fy2019=era.NATIONAL)
    rel = KPIS_FILE.format(s.sd.strategy.id)
    for name, (txt, value) in judged.items():
        if value is None and name in ("baseline", "target") and digest(txt) == base.get(name):
            s.report.unchanged += 1
            continue
        target = ("registry", "kpi", key, name, s.year)
        current = s.current.now(target, now[name])
        _decide(s, Change(rel, target, f"{key} {now['name']}", name, current, txt, value), base.get(name, digest("")), current)


def _text_cell(text: str):
    return Cell("", 0, 0, text)


def _new_project(s: _Sheet, key: str, judged: dict, names: dict) -> None:
    v = {name: value for name, (_txt, value) in judged.items()}
    name, policy = v["name"], v["policy"]
    earlier = _registered_since_sent(s, lambda p: p.name_in(s.year) == name and p.policy == policy)
    if earlier is not None:  # the same form again: the row was registered the first time
        s.report.unchanged += 1
        return
    same = schema.same_name_problem(name, policy, "", names)
    if same is not None:
        s.problem(s.ref(key, "name"), "name", same)
        return
    new_id = ids.next_project_id(s.sd, s.current)
    fields = {"id": new_id, "name": name, "description": v["description"] or "", "policy": policy,
              "departments": v["departments"], "first_year": v["first_year"] or era.short(s.year, fy2019=era.NATIONAL),
              "work": v["work"] or v["description"] or "", "ended": judged["ended"][0] or None}
    change = Change(PROJECTS_FILE.format(s.sd.strategy.id), ("registry", "new-project", new_id, "new", s.year),
                    f"{new_id} {name}", "new", "", new_id, fields)
    s.report.applied.append(change)
    s.current.pending[change.target] = new_id


def _new_kpi(s: _Sheet, key: str, judged: dict, names: dict) -> None:
    v = {name: value for name, (_txt, value) in judged.items()}
    if _registered_since_sent(s, lambda k: k.as_of(s.year).name == v["name"] and list(k.policies) == v["policies"]) is not None:
        s.report.unchanged += 1
        return
    goal = s.sd.goal_of(v["policies"][0]).no
    new_id = ids.next_kpi_id(s.sd, goal, s.current)
    fields = {"id": new_id, "policies": v["policies"], "name": v["name"], "unit": v["unit"], "prefix": v["prefix"],
              "direction": v["direction"], "baseline": v["baseline"], "target": v["target"],
              "departments": v["departments"], "since": era.short(s.year, fy2019=era.NATIONAL), "ended": judged["ended"][0] or None}
    change = Change(KPIS_FILE.format(s.sd.strategy.id), ("registry", "new-kpi", new_id, "new", s.year),
                    f"{new_id} {v['name']}", "new", "", new_id, fields)
    s.report.applied.append(change)
    s.current.pending[change.target] = new_id


def _registered_since_sent(s: _Sheet, same):
    """An item of the data the registry was not sent with that matches a new row: registered from this
    very form when it was collected before."""
    sent = {r["key"] for r in s.form.identity["rows"]}
    items = s.sd.projects.projects if s.kind == rl.PROJECTS else s.sd.measures.kpis
    return next((i for i in items if i.id not in sent and same(i)), None)
