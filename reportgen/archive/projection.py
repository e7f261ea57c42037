"""A year's own data: the data files its documents read, less the entries of later years they do not read.

Years of one strategy share its files, so a year's archive would otherwise hold, and be rewritten
by, every later year's values. What a year's documents read is not listed by hand (a list would
drift from the deliverables): every entry dated after the year is a candidate, and a candidate is
dropped only where the year's render jobs come out the same without it. The projection is then
loaded as `verify` loads the archived copy, so the year rebuilds byte for byte from it.
"""
from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from reportgen.archive.publish import write_file
from reportgen.deliverables import outputs_by_deliverable, outputs_for
from reportgen.model.loader import Dataset, Reads, SourceFile, load
from reportgen.model.yamlsrc import Located, YamlProblem, read_yaml
from reportgen.rules import eradays
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import DataError, Invalid
from reportgen.templating.year import YearSettings

# The key that dates an element of a list of dated entries (a revision's since, a reference's year, a
# round's or review's id): a list is dated when every element carries a year under the same key.
_DATING_KEYS = ("since", "year", "id")


def year_sources(ds: Dataset, fy: FiscalYear) -> list[SourceFile]:
    """The data files a year's documents read: city and departments, every strategy's strategy.yaml
    (a form's data-set id names them all), the measures and projects of the strategy covering `fy`,
    and the pledge lists dated in `fy` or before (a list marks ★ against the one before it)."""
    covering = ds.strategy_for(fy)
    keep = []
    for src in ds.sources:
        parts = src.relpath.split("/")
        if parts[0] == "strategies" and len(parts) == 3 and parts[2] != "strategy.yaml":
            if covering is None or parts[1] != covering.folder:
                continue
        elif parts[0] == "pledges" and (_pledge_year(src) or 0) > fy.year:  # a list compares with the one before it
            continue
        keep.append(src)
    return keep


def _pledge_year(src: SourceFile) -> int | None:
    """The fiscal year a pledge list is dated in, read from its name (the loader has checked that a
    list's file is named by its as_of month, 2023-09.yaml); None for any other name: such a file is kept."""
    try:
        year, month = (int(x) for x in src.relpath.rsplit("/", 1)[-1].removesuffix(".yaml").split("-"))
    except ValueError:
        return None
    return year if month >= 4 else year - 1


def _year_of(text) -> int | None:
    """The first fiscal year whose documents can show something dated `text` (None: not a date)."""
    try:
        return eradays.first_document_year(eradays.parse_when(text)).year
    except (Invalid, TypeError, ValueError):
        return None


def later_entries(located: Located, fy: FiscalYear) -> dict[tuple, list[tuple]]:
    """The entries of one data file dated after `fy`, grouped by (where they stand, less list
    positions; their year): a year-keyed mapping's keys (actuals, ratings, listings, evaluations …)
    and the elements of a list of dated entries (revisions, references, rounds, reviews)."""
    return _later(dated_entries(located), fy)


def _later(dated: list[tuple[tuple, tuple]], fy: FiscalYear) -> dict[tuple, list[tuple]]:
    groups: dict[tuple, list[tuple]] = {}
    for group, path in dated:
        if group[1] > fy.year:
            groups.setdefault(group, []).append(path)
    return groups


def dated_entries(located: Located) -> list[tuple[tuple, tuple]]:
    """Every dated entry of one data file, as ((where it stands, its year), its path), in the order
    `later_entries` groups them."""
    entries: list[tuple[tuple, tuple]] = []
    stack: list[tuple[tuple, object]] = [((), located.value)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            years = {k: _year_of(k) for k in value}
            if value and all(y is not None for y in years.values()):
                entries.extend(((_shape(path), y), path + (k,)) for k, y in years.items())
            stack.extend((path + (k,), v) for k, v in value.items())
        elif isinstance(value, list):
            dating = next((key for key in _DATING_KEYS
                           if value and all(isinstance(v, dict) and _year_of(v.get(key)) is not None for v in value)), None)
            if dating:
                entries.extend(((_shape(path), _year_of(v[dating])), path + (i,)) for i, v in enumerate(value))
            stack.extend((path + (i,), v) for i, v in enumerate(value))
    return entries


def _shape(path: tuple) -> str:
    return ".".join(str(p) for p in path if not isinstance(p, int))


def without(text: str, located: Located, paths: list[tuple]) -> str | None:
    """`text` less the block entries at `paths`, every other line kept as written (comments, order,
    quoting). A container left empty goes whole (its field's default is empty). None where an entry
    is not written as a block of its own lines (a flow mapping): such a file is kept whole."""
    drop = _outermost(located, paths)
    lines = text.splitlines(keepends=True)
    gone: set[int] = set()
    for path in drop:
        span = _span(lines, located, path)
        if span is None:
            return None
        gone.update(range(*span))
    return "".join(line for n, line in enumerate(lines) if n not in gone)


def _outermost(located: Located, paths: list[tuple]) -> set[tuple]:
    """The entries that go with `paths`: a container whose every entry goes is dropped itself, and of
    nested ones only the outermost is named."""
    drop = set(paths)
    for path in paths:
        parent = path[:-1]
        children = _children(located, parent)
        if parent and children and all(parent + (c,) in drop for c in children):
            drop.add(parent)
    return {p for p in drop if not any(p[:n] in drop for n in range(len(p)))}


def cut(located: Located, paths: list[tuple]) -> Located:
    """`located` less the entries at `paths`, as `without` cuts them from the text: the values a
    parse of that text gives (untouched parts shared, not copied), the places of the whole text
    (a trial's messages are never shown)."""
    return Located(_value_without(located.value, _outermost(located, paths)), located.marks, located.key_marks)


def _value_without(value, drop: set[tuple]):
    if not drop:
        return value
    inner: dict = {}
    for path in drop:
        inner.setdefault(path[0], set()).add(path[1:])
    items = value.items() if isinstance(value, dict) else enumerate(value)
    kept = [(k, v if k not in inner else _value_without(v, inner[k])) for k, v in items if () not in inner.get(k, ())]
    return dict(kept) if isinstance(value, dict) else [v for _, v in kept]


class _Trial(Reads):
    """The files of one trial: those cut are taken as their values less the cut entries (no parse),
    the others as the build has read them. `kept`: each cut file's latest validation, by its path
    (group after group, a file's cut repeats until one of its own entries goes)."""

    def __init__(self, reads: Reads, cuts: dict[str, tuple[str, Located]], kept: dict) -> None:
        super().__init__(budget=0)
        self._reads, self._cuts, self._kept = reads, cuts, kept

    def parsed(self, text: str):
        return ((), self._cuts[text][1]) if text in self._cuts else self._reads.parsed(text)

    def validated(self, text: str, model_cls, value):
        if text not in self._cuts:
            return self._reads.validated(text, model_cls, value)
        relpath = self._cuts[text][0]
        if self._kept.get(relpath, (None,))[0] != text:
            self._kept[relpath] = (text, {})
        made = self._kept[relpath][1]
        if model_cls not in made:
            made[model_cls] = super().validated(text, model_cls, value)
        return made[model_cls]


def _value_at(located: Located, path: tuple):
    value = located.value
    for p in path:
        value = value[p]
    return value


def _children(located: Located, path: tuple) -> list:
    value = _value_at(located, path)
    return list(value) if isinstance(value, dict) else list(range(len(value))) if isinstance(value, list) else []


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _blank(line: str) -> bool:
    return not line.strip() or line.lstrip().startswith("#")


def _span(lines: list[str], located: Located, path: tuple) -> tuple[int, int] | None:
    """The lines [first, end) of the entry at `path`, written as a block; the comments and blank
    lines that close it stay (they head what follows: `# ---- 基本目標2`)."""
    if isinstance(path[-1], int):  # a list element: its dash starts the line
        line, col = located.marks.get(path, (0, 0))
        first = line - 1
        if not 0 <= first < len(lines):
            return None
        column = lines[first].find("-")
        if column < 0 or lines[first][:column].strip() or column >= col - 1:
            return None
        dashes = False
    else:
        line, col = located.key_marks.get(path, (0, 0))
        first, column = line - 1, col - 1
        if not 0 <= first < len(lines) or lines[first][:column].strip():
            return None
        # a list under a key may stand at the key's own indent (`reviews:` then `- id: R6`, as PyYAML
        # writes it): its dashes belong to the key's entry
        dashes = isinstance(_value_at(located, path), list)
    end = first + 1
    while end < len(lines) and (_blank(lines[end]) or _indent(lines[end]) > column or
                                dashes and _indent(lines[end]) == column and lines[end][column:column + 1] == "-"):
        end += 1
    while end > first + 1 and _blank(lines[end - 1]):
        end -= 1
    return first, end


def _load_texts(ds: Dataset, texts: dict[str, bytes], reads: Reads) -> Dataset | None:
    """The data set of exactly these files, loaded as verify loads an archived copy (None: it does not load)."""
    with tempfile.TemporaryDirectory(prefix="reportgen-year-") as tmp:
        for relpath, content in texts.items():
            write_file(Path(tmp) / relpath, content)
        try:
            sub = load(tmp, reads)
        except DataError:
            return None
    return dataclasses.replace(sub, root=ds.root, warnings=())


def _jobs(ds: Dataset, year: YearSettings, sources: tuple[SourceFile, ...]) -> list:
    """The year's render jobs as a build makes them, its forms issued as if from `sources`: a form
    names the data it came from, which the cut changes by design, so both sides are compared under
    one build id; everything else in a job must come out the same."""
    try:
        return outputs_for(dataclasses.replace(ds, sources=sources), year)
    except DataError:
        return []


def _same_jobs(ds: Dataset, year: YearSettings, sources: tuple[SourceFile, ...], whole: list) -> bool:
    """Whether `_jobs(ds, year, sources)` is `whole`, made and compared deliverable by deliverable
    (most trials that fail, fail before the last)."""
    at = 0
    try:
        for jobs in outputs_by_deliverable(dataclasses.replace(ds, sources=sources), year):
            if jobs != whole[at:at + len(jobs)]:
                return False
            at += len(jobs)
    except DataError:
        return not whole
    return at == len(whole)


def year_datasets(ds: Dataset, years: list[YearSettings]) -> list[Dataset]:
    """`year_dataset` of each year, the files read once for all of them."""
    reads, raw = Reads(), {}
    return [year_dataset(ds, year, reads, raw) for year in years]


def _read_raw(content: bytes, raw: dict, reads: Reads) -> tuple[str, Located, list] | None:
    """A file's text, its values with their places as written (no keyboard slip mended: the places
    are those of the text cut) and its dated entries; None where it does not read."""
    if content not in raw:
        raw[content] = None
        try:
            text = content.decode("utf-8")
            located = reads.as_written(text) or read_yaml(text)  # the loader's own parse, where it mended nothing
            raw[content] = (text, located, dated_entries(located))
        except (UnicodeDecodeError, YamlProblem):
            pass
    return raw[content]


def year_dataset(ds: Dataset, year: YearSettings, reads: Reads | None = None, raw: dict | None = None) -> Dataset:
    """The data set `fy` is built from and its archive keeps: `year_sources`, less every group of
    later entries whose absence leaves the year's render jobs as they are. Should the files not
    stand alone, the whole data is used. `reads`, `raw`: what other years' projections have read."""
    reads = reads if reads is not None else Reads()
    raw = raw if raw is not None else {}
    fy = year.fy
    kept = year_sources(ds, fy)
    texts = {src.relpath: src.content for src in kept}
    parsed: dict[str, tuple[str, Located]] = {}
    groups: dict[tuple, dict[str, list[tuple]]] = {}
    for src in kept:
        read = _read_raw(src.content, raw, reads)
        if read is None:
            continue
        text, located, dated = read
        parsed[src.relpath] = (text, located)
        for group, paths in _later(dated, fy).items():
            groups.setdefault(group, {})[src.relpath] = paths
    if not groups and len(kept) == len(ds.sources):
        return ds
    whole = _jobs(ds, year, ds.sources)

    validations: dict = {}

    def cut_texts(chosen: list[tuple]) -> tuple[dict[str, bytes], dict[str, tuple[str, Located]]] | None:
        """The files less the chosen groups' entries, and each cut file's values (None: one cannot be cut)."""
        drops: dict[str, list[tuple]] = {}
        for g in chosen:
            for relpath, paths in groups[g].items():
                drops.setdefault(relpath, []).extend(paths)
        attempt, cuts = dict(texts), {}
        for relpath, paths in drops.items():
            text, located = parsed[relpath]
            new = without(text, located, paths)
            if new is None:
                return None
            attempt[relpath] = new.encode("utf-8")
            cuts[new.removeprefix("\ufeff")] = (relpath, cut(located, paths))  # the text as the loader decodes it
        return attempt, cuts

    def trial(chosen: list[tuple], parse: bool = True) -> Dataset | None:
        made = cut_texts(chosen)
        if made is None:
            return None
        sub = _load_texts(ds, made[0], reads if parse else _Trial(reads, made[1], validations))
        return sub if sub is not None and _same_jobs(sub, year, ds.sources, whole) else None

    # every later entry at once first (the usual case: a year reads nothing of later years), else
    # group by group, each dropped on top of those already dropped and kept where some document of
    # the year reads it. Those trials take a cut file's values as cut rather than parse its text again
    # (most of a trial at 100×), so the files chosen are then loaded and compared as a whole once
    # more, as verify loads them; should that differ, the groups are tried again, each file parsed
    sub = trial(list(groups)) if groups else None
    for parse in (False, True) if sub is None and len(groups) > 1 else ():
        dropped: list[tuple] = []
        for g in groups:
            if trial([*dropped, g], parse) is not None:
                dropped = [*dropped, g]
        sub = trial(dropped) if dropped else None
        if sub is not None or not dropped:
            break
    if sub is None:
        sub = _load_texts(ds, texts, reads) if len(kept) < len(ds.sources) else ds
        if sub is None or not _same_jobs(sub, year, ds.sources, whole):
            return ds
    return sub
