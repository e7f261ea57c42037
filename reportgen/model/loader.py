"""Load `data/` into the typed model, collecting every located error of every file in one run."""
from __future__ import annotations

import difflib
import functools
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.model import keyboard, measures, scalars
from reportgen.model import schema as m
from reportgen.model.yamlsrc import Located, YamlProblem, format_path, read_yaml
from reportgen.rules import eradays, plausibility, valuekinds, wording
from reportgen.rules.problems import DataError, Invalid, Msg, Problem, expected_got, show
from reportgen.rules.typed import Record, known_keys

# Where each kind of file lives, and the model that validates it.
CITY = "city.yaml"
DEPARTMENTS = "departments.yaml"
KPI_DOCUMENTS = ("target_list", "kpi_trend")  # deliverables that print KPIs under policy groups
STRATEGY_FILES = {"strategy.yaml": m.Strategy, "kpis.yaml": measures.Measures, "projects.yaml": m.Projects}


@dataclass(frozen=True)
class SourceFile:
    """A data file as it was read: the bytes a build used, kept for the archive's snapshot."""

    relpath: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class StrategyData:
    """One strategy with its measures and projects."""

    strategy: m.Strategy
    measures: measures.Measures
    projects: m.Projects
    folder: str = ""  # strategies/<folder>: where its files live (a year's archive keeps only its strategy's)

    def policy(self, pid: str) -> m.Policy:
        for goal in self.strategy.goals:
            for policy in goal.policies:
                if policy.id == pid:
                    return policy
        raise KeyError(pid)

    @functools.cached_property
    def project_order(self) -> dict[str, int]:
        """Project id → its position in projects.yaml (the order documents list projects in)."""
        return {p.id: i for i, p in enumerate(self.projects.projects)}

    @functools.cached_property
    def indicator_numbers(self) -> dict[int, int]:
        """id(indicator) → its number within its goal (1-based), the stable part of its form key."""
        seen: dict[int, int] = {}
        numbers = {}
        for ind in self.measures.indicators:
            seen[ind.goal] = seen.get(ind.goal, 0) + 1
            numbers[id(ind)] = seen[ind.goal]
        return numbers

    def goal_of(self, pid: str) -> m.Goal:
        for goal in self.strategy.goals:
            if any(p.id == pid for p in goal.policies):
                return goal
        raise KeyError(pid)


@dataclass(frozen=True)
class Dataset:
    """Everything in `data/`, validated."""

    root: Path
    city: m.City
    departments: dict[str, m.Department]
    strategies: tuple[StrategyData, ...]
    pledge_lists: tuple[m.PledgeList, ...]
    sources: tuple[SourceFile, ...]
    warnings: tuple[Problem, ...] = ()

    @property
    def sha256(self) -> str:
        """One hash of every input file (names and bytes), recorded in each archive's manifest."""
        h = hashlib.sha256()
        for src in self.sources:
            h.update(src.relpath.encode() + b"\0" + src.sha256.encode() + b"\n")
        return h.hexdigest()

    def strategy_for(self, fy) -> StrategyData | None:
        """The strategy whose period covers `fy` (the latest, if periods overlap)."""
        found = [s for s in self.strategies if s.strategy.covers(fy)]
        return found[-1] if found else None

    def form_department(self, name: str) -> str:
        return self.departments[name].form_department


@dataclass
class _File:
    relpath: str
    display: str
    located: Located | None = None
    obj: Any = None


@dataclass
class _Collector:
    """Gathers problems from every file before anything is reported."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def add(self, f: _File, path: tuple, message: Msg, *, key: bool = False, warning: bool = False) -> None:
        if f.located is None:
            line, col = 1, 1
        else:
            line, col = f.located.where_key(path) if key else f.located.where(path)
        p = Problem(f.display, line, col, format_path(path), message, warning)
        (self.warnings if warning else self.problems).append(p)


# Texts up to this size are parsed once a process (a city's files are tens of KB; a parsed file holds
# a place for every value, many times its text, so a big data set's files are parsed each time instead
# of being kept: bench/run.py's peak memory at 100×)
MEMO_TEXT = 256 * 1024


def _parsed(text: str) -> tuple[tuple, Located | YamlProblem]:
    """A data file's text mended and parsed: its keyboard slips, then its values with their places
    (or the YAML problem)."""
    return _parsed_memo(text) if len(text) <= MEMO_TEXT else _parse(text)


@functools.lru_cache(maxsize=16)
def _parsed_memo(text: str) -> tuple[tuple, Located | YamlProblem]:
    """_parse, memoized (a pure function of the text): one build loads the same files again for each
    year's projection (up to 25 times) and a collect for its check, and parsing is most of a load.
    Nothing downstream changes a Located (the loader and its checks only read it)."""
    return _parse(text)


def _parse(text: str) -> tuple[tuple, Located | YamlProblem]:
    # target：0人 read as target: 0人; a full-width space or tab indenting named
    return _parse_mended(*keyboard.mend(text))


def _parse_mended(text: str, slips: list) -> tuple[tuple, Located | YamlProblem]:
    if slips:
        return tuple(slips), YamlProblem(1, 1, (), "")
    try:
        return (), read_yaml(text)
    except YamlProblem as exc:
        return (), exc


class Reads:
    """Data files one run has read already, by their text: the parse, and each model's validation.

    A build loads the same files again for every year's projection and each of its trials; what it
    reads is a pure function of the text, so it is done once. Up to `budget` characters of text are
    kept (a parsed and validated file holds many times its text: bench/run.py's peak memory at 100×);
    beyond that, files are read afresh. Nothing downstream changes what is kept (the models are frozen,
    the loader and its checks only read a Located)."""

    def __init__(self, budget: int = 8 * 1024 * 1024) -> None:
        self._kept: dict[str, dict] = {}
        self._room = budget

    def _entry(self, text: str) -> dict | None:
        entry = self._kept.get(text)
        if entry is None and len(text) <= self._room:
            self._room -= len(text)
            entry = self._kept[text] = {}
        return entry

    def parsed(self, text: str) -> tuple[tuple, Located | YamlProblem]:
        entry = self._entry(text)
        if entry is None:
            return _parsed(text)
        if "parsed" not in entry:
            mended, slips = keyboard.mend(text)
            entry["parsed"], entry["as_written"] = _parse_mended(mended, slips), mended == text
        return entry["parsed"]

    def as_written(self, text: str) -> Located | None:
        """The parse of `text` where no keyboard slip had to be mended (its places are those of the
        text as written), else None."""
        _, parsed = self.parsed(text)
        entry = self._kept.get(text)
        return parsed if entry is not None and entry["as_written"] and isinstance(parsed, Located) else None

    def validated(self, text: str, model_cls: type[Record], value) -> tuple[Any, list[dict]]:
        """The model of `value` (the parse of `text`), or its problems (rules/typed.py's records)."""
        entry = self._entry(text)
        if entry is not None and model_cls in entry:
            return entry[model_cls]
        made = model_cls.validation_errors(value)
        if entry is not None:
            entry[model_cls] = made
        return made


def load(data_dir: Path | str, reads: Reads | None = None) -> Dataset:
    """Read and validate every file under `data_dir`; raise DataError listing every problem.
    `reads`: the files this run has read already (a build's projection loads them many times)."""
    return _load(data_dir, reads or Reads(budget=0))


def _load(data_dir: Path | str, reads: Reads) -> Dataset:
    root = Path(data_dir)
    out = _Collector()
    display_root = display(root)
    if not root.is_dir():
        out.problems.append(Problem(display_root, 0, 0, "", Msg(
            ja="データフォルダがありません（city.yaml などを含むフォルダを指定してください）",
            en="no such data folder (expected a folder holding city.yaml and the other data files)")))
        raise DataError(out.problems)

    sources: list[SourceFile] = []

    def read(rel: str, model_cls: type[Record], required: bool = True) -> _File:
        f = _File(rel, f"{display_root}/{rel}")
        path = root / rel
        if not path.is_file():
            if required:
                out.add(f, (), Msg(ja="ファイルがありません", en="file is missing"))
            return f
        content = path.read_bytes()
        sources.append(SourceFile(rel, content))
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            out.add(f, (), Msg(ja=f"UTF-8 の文字列ではありません（{exc.start}バイト目）",
                               en=f"not UTF-8 text (byte {exc.start})"))
            return f
        slips, parsed = reads.parsed(text)
        for slip in slips:
            out.problems.append(Problem(f.display, slip.line, slip.column, "", slip.message))
        if slips:
            return f
        if isinstance(parsed, YamlProblem):
            out.problems.append(Problem(f.display, parsed.line, parsed.column, format_path(parsed.path),
                                        _yaml_msg(parsed.message)))
            return f
        f.located = parsed
        for exc in f.located.problems:
            out.problems.append(Problem(f.display, exc.line, exc.column, format_path(exc.path),
                                        _yaml_msg(exc.message)))
        value = f.located.value
        if value is None:
            out.add(f, (), Msg(ja="ファイルが空です", en="the file is empty"))
            return f
        f.obj, errors = reads.validated(text, model_cls, value)
        for err in errors:
            _report(out, f, model_cls, err)
        return f

    city = read(CITY, m.City)
    depts = read(DEPARTMENTS, m.Departments)

    strategy_files: list[tuple[_File, _File, _File]] = []
    sdir = root / "strategies"
    for folder in sorted(p for p in sdir.iterdir() if p.is_dir()) if sdir.is_dir() else []:
        rel = f"strategies/{folder.name}"
        files = tuple(read(f"{rel}/{name}", cls, required=(name == "strategy.yaml"))
                      for name, cls in STRATEGY_FILES.items())
        strategy_files.append(files)  # type: ignore[arg-type]
        for extra in sorted(folder.iterdir()):
            if extra.name not in STRATEGY_FILES and not extra.name.startswith("."):
                _warn_unexpected(out, display_root, f"{rel}/{extra.name}")
    pledge_files = []
    pdir = root / "pledges"
    for path in sorted(pdir.glob("*.yaml")) if pdir.is_dir() else []:
        pledge_files.append(read(f"pledges/{path.name}", m.PledgeList))
    for extra in sorted(root.iterdir()):
        if extra.name not in (CITY, DEPARTMENTS, "strategies", "pledges", "templates", "cycle.yaml") and not extra.name.startswith("."):  # cycle.yaml: reportgen.model.cycle_state, not data
            _warn_unexpected(out, display_root, extra.name)

    _check(out, depts, strategy_files, pledge_files)
    if city.obj is not None and depts.obj is not None and "planning_office" in city.obj.model_fields_set:
        names = {d.name for d in depts.obj.departments}
        if city.obj.planning_office not in names:  # named, it must be one; the default 企画課 need not be listed
            out.add(city, ("planning_office",), _unknown("部署（departments.yaml）", "department (departments.yaml)",
                                                         city.obj.planning_office, names))
    if out.problems:
        raise DataError(_sorted(out.problems))

    strategies = []
    for sf, kf, pf in strategy_files:
        strategies.append(StrategyData(sf.obj, kf.obj or measures.Measures(), pf.obj or m.Projects(),
                                       sf.relpath.split("/")[1]))
    strategies.sort(key=lambda s: s.strategy.period.from_)
    return Dataset(
        root=root,
        city=city.obj,
        departments={d.name: d for d in depts.obj.departments},
        strategies=tuple(strategies),
        pledge_lists=tuple(sorted((f.obj for f in pledge_files), key=lambda p: p.as_of)),
        sources=tuple(sorted(sources, key=lambda s: s.relpath)),
        warnings=tuple(out.warnings),
    )


def display(root: Path) -> str:
    """A path as messages name it: relative to the working folder where possible."""
    try:
        rel = os.path.relpath(root)
    except ValueError:
        return str(root)
    return rel if not rel.startswith("..") else str(root)


def _warn_unexpected(out: _Collector, display_root: str, rel: str) -> None:
    out.warnings.append(Problem(f"{display_root}/{rel}", 1, 1, "", Msg(
        ja="想定外のファイルです（読み込まれません）", en="unexpected file (not read)"), warning=True))


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line, p.column))


def _yaml_msg(text: str) -> Msg:
    return keyboard.yaml_message(text)


# ---------------------------------------------------------------------------- the validator's problems


# What to write when a required key has no value to give yet (a new KPI has no baseline).
MISSING_HINTS = {
    "baseline": Msg(ja="（基準値がまだない新しい KPI なら baseline: {none: 新規} と書きます）",
                    en=" (a new KPI without a baseline yet: baseline: {none: 新規})"),
}


def _report(out: _Collector, f: _File, model_cls: type[Record], err: dict) -> None:
    loc = tuple(err["loc"])
    kind = err["type"]
    if loc and loc[-1] == "[key]":  # a bad key of a per-year mapping: point at the key
        loc = loc[:-1]
        is_key = True
    else:
        is_key = False
    got = err.get("input")
    if kind == "value_error" and isinstance(err["ctx"]["error"], Invalid):
        exc = err["ctx"]["error"]
        out.add(f, loc, expected_got(exc.expected, exc.got), key=is_key)
    elif kind == "missing":
        hint = MISSING_HINTS.get(str(loc[-1]), Msg(ja="", en=""))
        out.add(f, loc[:-1], Msg(ja=f"必須の項目 {loc[-1]} がありません{hint.ja}", en=f"required key {loc[-1]!r} is missing{hint.en}"))
    elif kind == "extra_forbidden":
        known = sorted(known_keys(model_cls, loc[:-1]))
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint_ja = f"（{close[0]} の誤りでは？）" if close else ""
        hint_en = f" (did you mean {close[0]!r}?)" if close else ""
        if got is None and _SPLIT_FIGURE.match(str(loc[-1])):
            # `{value: 3, 324人}`: a blank after the comma makes YAML split the figure; say how to write it
            hint_ja = (f"（{{ }} の中の数字が桁区切りのカンマで分かれています: カンマの後に空白を入れず"
                       f" …,{loc[-1]} のように続けて書いてください）")
            hint_en = (f" (a figure inside {{ }} was split at its thousands separator: write it without a blank"
                       f" after the comma, …,{loc[-1]})")
        out.add(f, loc, Msg(
            ja=f"未知の項目 {loc[-1]} です{hint_ja}。使える項目: {', '.join(known)}",
            en=f"unknown key {loc[-1]!r}{hint_en}; expected one of: {', '.join(known)}"), key=True)
    elif kind == "dict_type":
        out.add(f, loc, expected_got(Msg(ja="項目の並び（key: value）", en="a mapping (key: value)"), got))
    elif kind == "list_type":
        out.add(f, loc, expected_got(Msg(ja="リスト（- で始まる行）", en="a list (lines starting with -)"), got))
    elif kind == "literal_error":
        allowed = err["ctx"]["expected"]
        out.add(f, loc, expected_got(Msg(ja=f"{allowed} のいずれか", en=f"one of {allowed}"), got))
    elif kind == "too_short":
        out.add(f, loc, expected_got(Msg(ja="1件以上の項目", en="at least one entry"), got))
    elif kind == "string_type":
        out.add(f, loc, expected_got(scalars.EXPECTED_TEXT, got))
    else:
        out.add(f, loc, Msg(ja=err["msg"], en=err["msg"]))


# A key that is the rest of a figure split at a thousands separator (324人 of `3, 324人`)
_SPLIT_FIGURE = re.compile(r"[0-9]{3}(?![0-9])")


# ---------------------------------------------------------------------------- cross-references


def _check(out: _Collector, depts: _File, strategy_files, pledge_files) -> None:
    """Checks that span fields or files: references, uniqueness, units, groupings."""
    dept_names: set[str] | None = None
    if depts.obj is not None:
        dept_names = set()
        for i, d in enumerate(depts.obj.departments):
            if d.name in dept_names:
                out.add(depts, ("departments", i, "name"), Msg(ja=f"部署名 {d.name} が重複しています",
                                                                en=f"duplicate department {d.name!r}"))
            dept_names.add(d.name)
        for i, d in enumerate(depts.obj.departments):
            if d.parent is not None and d.parent not in dept_names:
                out.add(depts, ("departments", i, "parent"), _unknown("部署", "department", d.parent, dept_names))

    def check_depts(f: _File, path: tuple, names) -> None:
        if dept_names is None:
            return
        for j, name in enumerate(names):
            if name not in dept_names:
                out.add(f, path + (j,), _unknown("部署（departments.yaml）", "department (departments.yaml)",
                                                 name, dept_names))

    project_ids: dict[str, str] = {}
    strategy_ids: set[str] = set()
    for sf, kf, pf in strategy_files:
        s: m.Strategy | None = sf.obj
        if s is None:
            continue
        folder = sf.relpath.split("/")[1]
        if s.id != folder:
            out.add(sf, ("id",), expected_got(Msg(ja=f"フォルダ名と同じID {folder}", en=f"the folder's name {folder!r}"), s.id))
        if s.id in strategy_ids:
            out.add(sf, ("id",), Msg(ja=f"戦略ID {s.id} が重複しています", en=f"duplicate strategy id {s.id!r}"))
        strategy_ids.add(s.id)
        policy_ids: dict[str, int] = {}
        for gi, goal in enumerate(s.goals):
            # goals in the plan's order; a sheet covering some goals of a larger plan (Ⅲ and Ⅵ) keeps their numbers
            if gi and goal.no <= s.goals[gi - 1].no:
                before = s.goals[gi - 1].no
                out.add(sf, ("goals", gi, "no"), expected_got(Msg(ja=f"前の目標（{before}）より大きい番号",
                                                                  en=f"a number greater than the goal before ({before})"), goal.no))
            for pi, policy in enumerate(goal.policies):
                if policy.id in policy_ids:
                    out.add(sf, ("goals", gi, "policies", pi, "id"),
                            Msg(ja=f"施策ID {policy.id} が重複しています", en=f"duplicate policy id {policy.id!r}"))
                policy_ids[policy.id] = goal.no
                ppath = ("goals", gi, "policies", pi)
                check_depts(sf, ppath + ("departments",), policy.departments)
                check_depts(sf, ppath + ("related",), policy.related)
                for j, name in enumerate(policy.related):
                    if name in policy.departments:  # 関係課 are the others that take part, never the one in charge
                        out.add(sf, ppath + ("related", j), expected_got(
                            Msg(ja="担当課（departments）以外の部署", en="a department other than those in charge (departments)"), name))
        _check_wording(out, sf, pf, s)
        if s.period.to < s.period.from_:
            out.add(sf, ("period",), Msg(ja="期間の終わりが始まりより前です", en="the period ends before it starts"))
        seen_ids: set[str] = set()  # a review's keys in kpis.yaml: axis and text ids share one namespace
        for key, items in (("rating_axes", s.rating_axes or []), ("rating_texts", s.rating_texts or [])):
            for i, item in enumerate(items):
                if item.id in seen_ids:
                    out.add(sf, (key, i, "id"), Msg(ja=f"ID {item.id} が重複しています（rating_axes と rating_texts を通じて）",
                                                    en=f"duplicate id {item.id!r} (across rating_axes and rating_texts)"))
                seen_ids.add(item.id)
        if "default" not in s.groupings:
            out.add(sf, ("groupings",), Msg(ja="groupings に default が必要です", en="groupings needs a 'default' list"))
        order = [p.id for g in s.goals for p in g.policies]
        for gname, groups in s.groupings.items():
            flat = [pid for grp in groups for pid in grp]
            for gi, grp in enumerate(groups):
                for pi, pid in enumerate(grp):
                    if pid not in policy_ids:
                        out.add(sf, ("groupings", gname, gi, pi), _unknown("施策ID", "policy id", pid, policy_ids))
                if len({policy_ids.get(pid) for pid in grp}) > 1:
                    out.add(sf, ("groupings", gname, gi), Msg(ja="1つのグループに複数の基本目標の施策があります",
                                                              en="a group mixes policies of different goals"))
            if flat != order and all(p in policy_ids for p in flat):
                out.add(sf, ("groupings", gname), expected_got(
                    Msg(ja=f"全施策を1回ずつ順に（{', '.join(order)}）", en=f"every policy once, in order ({', '.join(order)})"),
                    ", ".join(flat)))
        for key, items in (("rounds", s.rounds), ("reviews", s.reviews)):
            seen = set()
            for i, r in enumerate(items):
                if r.to < r.from_ or not (s.covers(r.from_) or r.from_ < s.period.from_) or r.to > s.period.to:
                    out.add(sf, (key, i), Msg(ja="期間が戦略の期間に収まりません", en="the span lies outside the strategy's period"))
                if r.id.year in seen:
                    out.add(sf, (key, i, "id"), Msg(ja=f"ID {r.id} が重複しています", en=f"duplicate id {r.id}"))
                seen.add(r.id.year)
        round_ids = {r.id.year for r in s.rounds}
        review_ids = {r.id.year for r in s.reviews}
        # KPIs are printed under group headings by these documents only
        groupings = {name: {pid: gi for gi, grp in enumerate(s.grouping(name)) for pid in grp}
                     for name in KPI_DOCUMENTS if "default" in s.groupings or name in s.groupings}

        if kf.obj is not None:
            _check_measures(out, kf, s, policy_ids, groupings, review_ids, check_depts)
        if pf.obj is not None:
            names: dict[tuple[str, str], str] = {}
            for i, p in enumerate(pf.obj.projects):
                where = ("projects", i)
                same = m.same_name_problem(p.name, p.policy, p.id, names)
                if same is not None:
                    out.add(pf, where + ("name",), same)
                if p.ended is not None:
                    _check_ended(out, pf, where, p.ended, p.first_year.year, s)
                if p.id in project_ids:
                    out.add(pf, where + ("id",), Msg(ja=f"事業ID {p.id} が重複しています（{project_ids[p.id]}）",
                                                     en=f"duplicate project id {p.id!r} (also in {project_ids[p.id]})"))
                project_ids[p.id] = pf.display
                if p.policy not in policy_ids:
                    out.add(pf, where + ("policy",), _unknown("施策ID", "policy id", p.policy, policy_ids))
                check_depts(pf, where + ("departments",), p.departments)
                for fy, listing in p.years.items():
                    if not s.covers(fy):
                        out.add(pf, where + ("years", _key(pf, where + ("years",), fy)),
                                Msg(ja=f"{fy} は戦略の期間外です", en=f"{fy} lies outside the strategy's period"), key=True)
                    if listing.departments:
                        check_depts(pf, where + ("years", _key(pf, where + ("years",), fy), "departments"), listing.departments)
                for fy in p.evaluations:
                    if fy.year not in round_ids:
                        out.add(pf, where + ("evaluations", _key(pf, where + ("evaluations",), fy)),
                                Msg(ja=f"{fy} は rounds にない評価回です", en=f"{fy} is not a round of strategy.yaml"), key=True)

    seen_months: dict = {}
    for f in pledge_files:
        pl: m.PledgeList | None = f.obj
        if pl is None:
            continue
        if pl.as_of in seen_months:
            out.add(f, ("as_of",), Msg(ja=f"同じ時点のリストが {seen_months[pl.as_of]} にもあります",
                                       en=f"a list with the same date is in {seen_months[pl.as_of]}"))
        seen_months[pl.as_of] = f.display
        expected_name = f"{pl.as_of}.yaml"
        if f.relpath.split("/")[-1] != expected_name:
            out.add(f, ("as_of",), expected_got(Msg(ja=f"ファイル名 {expected_name} と同じ年月", en="the month of the file name"), str(pl.as_of)))
        nos: set[int] = set()
        for ci, ch in enumerate(pl.chapters):
            for pi, pledge in enumerate(ch.pledges):
                if pledge.no in nos:
                    out.add(f, ("chapters", ci, "pledges", pi, "no"), Msg(ja=f"公約番号 {pledge.no} が重複しています",
                                                                          en=f"duplicate pledge number {pledge.no}"))
                nos.add(pledge.no)
                for ii, item in enumerate(pledge.items):
                    if dept_names is not None and item.department is not None and item.department not in dept_names:
                        out.add(f, ("chapters", ci, "pledges", pi, "items", ii, "department"),
                                _unknown("部署（departments.yaml）", "department (departments.yaml)", item.department, dept_names))


def _check_wording(out: _Collector, sf: _File, pf: _File, s: m.Strategy) -> None:
    """A city without project lists has no project data and no project wording; KPIs are labelled one way."""
    for in_projects, path, message in wording.strategy_problems(s, has_projects_file=pf.located is not None):
        out.add(pf if in_projects else sf, path, message)


def _key(f: _File, path: tuple, fy) -> str:
    """The key as written in the file for a parsed year (for locating messages)."""
    mapping = f.located.value
    for part in path:
        mapping = mapping[part]
    for k in mapping:
        try:
            if eradays.parse_when(k) == fy:
                return k
        except Invalid:
            pass
    return str(fy)


def _unknown(ja: str, en: str, got: str, known) -> Msg:
    close = difflib.get_close_matches(str(got), [str(k) for k in known], n=1)
    hint_ja = f"（{close[0]} の誤りでは？）" if close else ""
    hint_en = f" (did you mean {close[0]!r}?)" if close else ""
    return Msg(ja=f"未登録の{ja}です{hint_ja}: {show(got, 'ja')}", en=f"expected a known {en}{hint_en}, got {show(got)}")


def _check_measures(out, kf: _File, s: m.Strategy, policy_ids, groupings, review_ids, check_depts) -> None:
    goal_nos = {g.no for g in s.goals}
    kpi_ids: set[str] = set()
    for key, items in (("indicators", kf.obj.indicators), ("kpis", kf.obj.kpis)):
        for i, meas in enumerate(items):
            where = (key, i)
            if isinstance(meas, measures.Indicator) and meas.goal not in goal_nos:
                out.add(kf, where + ("goal",), _unknown("基本目標番号", "goal number", meas.goal, goal_nos))
            if isinstance(meas, measures.Kpi):
                if meas.id in kpi_ids:
                    out.add(kf, where + ("id",), Msg(ja=f"KPI ID {meas.id} が重複しています", en=f"duplicate KPI id {meas.id!r}"))
                kpi_ids.add(meas.id)
                _check_policies(out, kf, where + ("policies",), meas.policies, policy_ids, groupings)
            check_depts(kf, where + ("departments",), meas.departments)
            if meas.ended is not None:
                _check_ended(out, kf, where, meas.ended, meas.since, s)
            _check_figures(out, kf, where, meas, meas)
            _check_value_kinds(out, kf, where, meas)
            for path, message in plausibility.warnings(meas, lambda w, field: _key(kf, where + (field,), w)):
                out.add(kf, where + path, message, warning=True)
            for values in ("actuals", "yearly_targets"):
                for fy, fig in getattr(meas, values).items():
                    kpath = where + (values, _key(kf, where + (values,), fy))
                    if eradays.moment(fy) > eradays.moment(s.period.to):
                        out.add(kf, kpath, Msg(ja=f"{fy} は戦略の期間外です", en=f"{fy} lies outside the strategy's period"), key=True)
                    else:
                        # an actual reported under a later definition may use its unit (0.046% → 0.046)
                        _check_figure(out, kf, kpath, fig, _definitions(meas))
            for fy in meas.ratings:
                rkey = _key(kf, where + ("ratings",), fy)
                if fy.year not in review_ids:
                    out.add(kf, where + ("ratings", rkey),
                            Msg(ja=f"{fy} は reviews にない評価期間です", en=f"{fy} is not a review of strategy.yaml"), key=True)
                _check_rating(out, kf, where + ("ratings", rkey), meas.ratings[fy], s)
            names = set()
            for j, sub in enumerate(meas.sub_items):
                if sub.name in names:
                    out.add(kf, where + ("sub_items", j, "name"), Msg(ja=f"項目名 {sub.name} が重複しています",
                                                                      en=f"duplicate sub-item {sub.name!r}"))
                names.add(sub.name)
                check_depts(kf, where + ("sub_items", j, "departments"), sub.departments)
                for fy in sub.ratings:
                    if fy.year not in review_ids:
                        out.add(kf, where + ("sub_items", j, "ratings"), Msg(
                            ja=f"{fy} は reviews にない評価期間です", en=f"{fy} is not a review of strategy.yaml"))
                    spath = where + ("sub_items", j, "ratings")
                    _check_rating(out, kf, spath + (_key(kf, spath, fy),), sub.ratings[fy], s)
            for j, rev in enumerate(meas.revisions):
                rpath = where + ("revisions", j, "set")
                revised = meas.as_of(rev.since)
                _check_figures(out, kf, rpath, rev.set, revised)
                if rev.set.policies is not None:
                    _check_policies(out, kf, rpath + ("policies",), rev.set.policies, policy_ids, groupings)
                if rev.set.departments is not None:
                    check_depts(kf, rpath + ("departments",), rev.set.departments)


def _check_ended(out, f: _File, where: tuple, ended, start, s: m.Strategy) -> None:
    bad = m.ended_problem(ended, start, s.period)
    if bad is not None:
        out.add(f, where + ("ended",), expected_got(*bad))


def _check_value_kinds(out, kf, where, meas) -> None:
    """Every year a measure's values are dated by is of the kind its `period` says (valuekinds)."""
    def check(path: tuple, when, key: bool = False, range_ok: bool = False) -> None:
        expected = valuekinds.year_problem(meas.period, when, range_ok)
        if expected is not None:
            out.add(kf, path, expected_got(expected, valuekinds.spelled(when)), key=key)

    for name in ("actuals", "forecasts", "yearly_targets"):
        for w, fig in getattr(meas, name).items():
            kpath = where + (name, _key(kf, where + (name,), w))
            check(kpath, w, key=True)
            if fig.as_of is not None:
                check(kpath + ("as_of",), fig.as_of, range_ok=True)
    if meas.baseline.as_of is not None:
        check(where + ("baseline", "as_of"), meas.baseline.as_of, range_ok=True)
    if meas.target.year is not None:
        check(where + ("target", "year"), meas.target.year)
    for j, ref in enumerate(meas.references):
        check(where + ("references", j, "year"), ref.year)


def _check_policies(out, kf, path, policies, policy_ids, groupings) -> None:
    for j, pid in enumerate(policies):
        if pid not in policy_ids:
            out.add(kf, path + (j,), _unknown("施策ID", "policy id", pid, policy_ids))
    for gname, where in groupings.items():
        groups = {where.get(pid) for pid in policies if pid in where}
        if len(groups) > 1:
            out.add(kf, path, Msg(
                ja=f"この指標の施策が groupings.{gname} の複数のグループに分かれています（同じ見出しに印刷できません）",
                en=f"its policies fall into different groups of groupings.{gname} (it cannot be printed under one heading)"))


def _check_figures(out, kf, where, holder, meas) -> None:
    if getattr(holder, "baseline", None) is not None:
        _check_figure(out, kf, where + ("baseline",), holder.baseline, meas)
    target = getattr(holder, "target", None)
    if target is not None and target.value is not None:
        # a target set in another unit than the baseline (4組/年 against 1.4人/年) is checked against that unit
        unit = getattr(meas, "target_unit", None) if not isinstance(meas, list) else None
        _check_quantity(out, kf, where + ("target",), target.value,
                        meas.model_copy(update={"unit": unit}) if unit is not None else meas)


def _check_figure(out, kf, path, fig: measures.Figure, meas) -> None:
    if fig.value is not None:
        _check_quantity(out, kf, path + (("value",) if _is_mapping(kf, path) else ()), fig.value, meas)
    if fig.reference is not None:
        _check_quantity(out, kf, path + ("reference", "value"), fig.reference.value, meas)


def _is_mapping(f: _File, path: tuple) -> bool:
    node = f.located.value
    try:
        for part in path:
            node = node[part]
    except (KeyError, IndexError, TypeError):
        return False
    return isinstance(node, dict)


def _definitions(meas) -> list:
    return [meas] + [meas.as_of(r.since) for r in meas.revisions]


def _check_quantity(out, kf, path, q, meas) -> None:
    problems = measures.quantity_problems(q, meas)
    written = _written(kf, path) if problems else None
    for expected, got in problems:
        # quote the figure as the clerk wrote it (`30%以上`, not the `30%` left once the bound was read)
        out.add(kf, path, expected_got(expected, written or got))


def _written(f: _File, path: tuple) -> str | None:
    """The text written at `path` (a target's `value` where it is a mapping), or None."""
    node = f.located.value
    try:
        for part in path:
            node = node[part]
        if isinstance(node, dict):
            node = node.get("value")
    except (KeyError, IndexError, TypeError):
        return None
    return node if isinstance(node, str) else None


def _check_rating(out, kf, path, rating: measures.Rating, s: m.Strategy) -> None:
    """A review's entry against the strategy's declaration: every axis rated with one of its
    symbols (reportgen/ratings.py RatingAxis.parse, the rule collect uses too), only known keys."""
    axes, texts = s.axes, s.texts
    known = [a.id for a in axes] + [t.id for t in texts]
    for key in rating.values:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint_ja = f"（{close[0]} の誤りでは？）" if close else ""
            hint_en = f" (did you mean {close[0]!r}?)" if close else ""
            out.add(kf, path + (key,), Msg(
                ja=f"未知の項目 {key} です{hint_ja}。使える項目（strategy.yaml の rating_axes と rating_texts）: {', '.join(known)}",
                en=f"unknown key {key!r}{hint_en}; expected one of (rating_axes and rating_texts of strategy.yaml): {', '.join(known)}"),
                key=True)
    for axis in axes:
        if axis.id not in rating.values:
            out.add(kf, path, Msg(ja=f"必須の項目 {axis.id} がありません", en=f"required key {axis.id!r} is missing"))
            continue
        try:
            axis.parse(rating.get(axis.id))
        except Invalid as exc:
            out.add(kf, path + (axis.id,), expected_got(exc.expected, exc.got))
