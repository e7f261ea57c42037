"""The form kinds `open` sends and `collect` takes back, in the order `open` sends them: one module each (like deliverables.catalogue())."""
from __future__ import annotations

from reportgen.formkinds import evaluation, kpi, pledge, registry
from reportgen.forms.kind import FormKind, Kinds


def catalogue() -> tuple[FormKind, ...]:
    """Every form kind, in the order `open` sends their forms (a new kind: its module, and a line here)."""

    return (evaluation.KIND, kpi.KIND, registry.KIND, pledge.KIND)


def kinds() -> Kinds:
    """The catalogue as collect looks kinds up (by an identity's kind, by a change's target)."""

    return Kinds(catalogue())
