"""Load `data/` into the typed model, collecting every located error of every file in one run."""
from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.model import crosschecks, keyboard
from reportgen.model import schema as m
from reportgen.model.loadproblems import Collector, File, report
from reportgen.model.measures import Measures
from reportgen.model.yamlsrc import Located, YamlProblem, format_path, read_yaml
from reportgen.rules.problems import DataError, Msg, Problem
from reportgen.rules.typed import Record

# Where each kind of file lives, and the model that validates it.
CITY = "city.yaml"
DEPARTMENTS = "departments.yaml"
STRATEGY_FILES = {"strategy.yaml": m.Strategy, "kpis.yaml": Measures, "projects.yaml": m.Projects}


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
    measures: Measures
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


@functools.lru_cache(maxsize=16)
def _validated_memo(text: str, model_cls: type[Record]) -> tuple[Any, list[dict]]:
    """`model_cls`'s validation of `_parsed(text)`, memoized as the parse is: a pure function of the text
    (the models are frozen, and the problems only read). A process that loads the same data again (a
    collect's check of the merged files, the inbox's hand-ins, the suite) validates an unchanged file once."""
    _, parsed = _parsed(text)  # the value the plain load validates: its parse, kept by the parse's memo
    assert isinstance(parsed, Located)  # only a text that parsed is validated
    return model_cls.validation_errors(parsed.value)


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


class _Plain(Reads):
    """A plain load's reads: nothing kept by the run, each text's parse and validation by the process's memos."""

    def __init__(self) -> None:
        super().__init__(budget=0)

    def validated(self, text: str, model_cls: type[Record], value) -> tuple[Any, list[dict]]:
        return _validated_memo(text, model_cls) if len(text) <= MEMO_TEXT else model_cls.validation_errors(value)


def load(data_dir: Path | str, reads: Reads | None = None) -> Dataset:
    """Read and validate every file under `data_dir`; raise DataError listing every problem.
    `reads`: the files this run has read already (a build's projection loads them many times)."""
    return _load(data_dir, reads or _Plain())


def _load(data_dir: Path | str, reads: Reads) -> Dataset:
    root = Path(data_dir)
    out = Collector()
    display_root = display(root)
    if not root.is_dir():
        out.problems.append(Problem(display_root, 0, 0, "", Msg(
            ja="データフォルダがありません（city.yaml などを含むフォルダを指定してください）",
            en="no such data folder (expected a folder holding city.yaml and the other data files)")))
        raise DataError(out.problems)

    sources: list[SourceFile] = []

    def read(rel: str, model_cls: type[Record], required: bool = True) -> File:
        f = File(rel, f"{display_root}/{rel}")
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
            report(out, f, model_cls, err)
        return f

    city = read(CITY, m.City)
    depts = read(DEPARTMENTS, m.Departments)

    strategy_files: list[tuple[File, File, File]] = []
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

    crosschecks.check(out, depts, strategy_files, pledge_files)
    if city.obj is not None and depts.obj is not None and "planning_office" in city.obj.model_fields_set:
        names = {d.name for d in depts.obj.departments}
        if city.obj.planning_office not in names:  # named, it must be one; the default 企画課 need not be listed
            out.add(city, ("planning_office",), crosschecks.unknown("部署（departments.yaml）", "department (departments.yaml)",
                                                                    city.obj.planning_office, names))
    if out.problems:
        raise DataError(_sorted(out.problems))

    strategies = []
    for sf, kf, pf in strategy_files:
        strategies.append(StrategyData(sf.obj, kf.obj or Measures(), pf.obj or m.Projects(),
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


def _warn_unexpected(out: Collector, display_root: str, rel: str) -> None:
    out.warnings.append(Problem(f"{display_root}/{rel}", 1, 1, "", Msg(
        ja="想定外のファイルです（読み込まれません）", en="unexpected file (not read)"), warning=True))


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line, p.column))


def _yaml_msg(text: str) -> Msg:
    return keyboard.yaml_message(text)
