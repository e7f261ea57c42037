"""A form kind's declaration (what `open` sends and `collect` takes back), and the registry's lookups collect uses."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from reportgen.forms.column import Column
from reportgen.rules.problems import Msg


@dataclass(frozen=True)
class FormKind:
    """Every part of one kind of form, declared in its own module under reportgen/formkinds/.

    The type lives here, low in the package, so that collect can be handed kinds without importing
    the stage that assembles them (reportgen.formkinds, above collect): each part is a plain value or
    a function owned by the stage it belongs to (docs/architecture.md, "Form kinds")."""

    key: str                                        # the kind its forms' identity carries ("kpi", …)
    name: Msg                                       # how reports and `open` name it
    layout: str                                     # its workbook layout (render) and labels file (<layout>.labels.yaml)
    columns: Mapping[str, tuple[Column, ...]]       # each input sheet's columns, its headers keyed by column in the labels
    fields: Mapping[str, str]                       # its fields as reports name them (Japanese; English: the field)
    send: Callable                                  # (dataset, YearSettings) -> [Output]: the forms `open` sends for a year
    sheet: Callable                                 # (context) -> Workbook: the form written
    read: Callable                                  # (path, bytes, workbook, identity) -> the returned form read
    extent: Callable                                # (identity) -> [(sheet, rows, columns)] it may fill
    examine: Callable                               # (Examination) -> FormReport: every cell judged, its changes
    targets: tuple[str, ...]                        # the change targets its write-back owns (Change.target[0])
    write: Callable                                 # (YAML document, Change) -> None: one accepted change written
    collecting_year: Callable                       # (dataset, years opened) -> the year collect takes by default, or None
    listed: bool = False                            # its year is its list's (a pledge list's), not the year `open` sent it with


class Kinds:
    """The registry's kinds as collect meets them: by an identity's kind, by a change's target."""

    def __init__(self, kinds: Iterable[FormKind]):
        self.all: tuple[FormKind, ...] = tuple(kinds)
        self._by_key = {k.key: k for k in self.all}
        self._by_target = {t: k for k in self.all for t in k.targets}
        self.fields: dict[str, str] = {}
        for k in self.all:
            self.fields.update(k.fields)

    def get(self, key) -> FormKind | None:
        return self._by_key.get(key) if isinstance(key, str) else None

    def writing(self, target: str) -> FormKind:
        return self._by_target[target]

    def field(self, name: str) -> str:
        return self.fields.get(name, name)

    def named(self, key) -> Msg:
        """A kind's name; a kind no longer declared is named by its key (an old cycle record's)."""
        kind = self.get(key)
        return kind.name if kind is not None else Msg(ja=str(key), en=str(key))
