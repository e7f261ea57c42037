"""Lint labels files (templates/*.labels.yaml): each `{{ }}` readable by Jinja, each name one the workbook's data provides."""
from __future__ import annotations

from pathlib import Path

import jinja2

from reportgen.deliverables.kpi_trend import CHART_ALT_HEADERS, CHART_ALT_NAMES
from reportgen.deliverables.value_tables import COLUMN_LABELS, COLUMN_NAMES, ROW_LABELS, ROW_NAMES
from reportgen.lint.templatenames import NameCheck, Shape, unknown
from reportgen.lint.templatesyntax import ENV, parsed
from reportgen.model.yamlsrc import YamlProblem, format_path, read_yaml
from reportgen.rules.problems import Msg, Problem


def check_labels(path: Path, shape: Shape | None, row_shapes: dict[str, Shape | None], file: str | None = None) -> list[Problem]:
    """Every `{{ }}` of one labels file: Jinja's syntax, and each name its variables lack (the keys
    of `row_shapes` are filled one row at a time, with that row's variables)."""
    file = file or str(path)
    try:
        located = read_yaml(path.read_text(encoding="utf-8"))  # as the data is read: no aliases, a nesting limit
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(file, 1, 1, "", Msg(f"YAML として読めません（{exc}）", f"cannot be read as YAML ({exc})"))]
    except YamlProblem as exc:
        return [Problem(file, exc.line, exc.column, format_path(exc.path),
                        Msg(f"YAML として読めません（{exc.message}）", f"cannot be read as YAML ({exc.message})"))]
    problems: list[Problem] = [Problem(file, p.line, p.column, format_path(p.path), Msg(
        f"YAML として読めません（{p.message}）", f"cannot be read as YAML ({p.message})")) for p in located.problems]

    def walk(value, where: tuple, top: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, where + (k,), top or str(k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, where + (i,), top)
        elif isinstance(value, str) and "{" in value:
            one(value, located.where(where), format_path(where), row_shapes[top] if top in row_shapes else shape)

    def one(text: str, at: tuple[int, int], path: str, scope: Shape | None) -> None:
        line, col = at
        try:
            tree = parsed(text)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(Problem(file, line, col, path, Msg(f"「{text}」を Jinja が読めません: {exc.message}",
                                                               f"Jinja cannot read \"{text}\": {exc.message}")))
            return
        def report(_line: int, what: str, name: str, known: list[str], kind: str) -> None:
            problems.append(Problem(file, line, col, path, unknown(what, name, known, kind, text,
                                                                   Msg("この表のデータ", "this workbook's data"))))

        NameCheck(ENV, scope, report).run(tree)  # scope None: only what the sandbox refuses

    walk(located.value, (), "")
    return problems


def label_variables(name: str, ctx: dict) -> tuple[list[dict], dict[str, list[dict]]]:
    """The variables the workbook renderers give labels file `name` for one context, and, for each
    key filled row by row (labels.PER_ROW), the variables each row gives it, as render/xlsx*.py and
    the deliverables call labels() and fill(); tests/lint/test_check.py records the real calls and compares."""

    if name == "value_tables":
        whole = [ctx] + [{**ctx, **goal} for goal in ctx["goals"]]
        return whole, {**{k: [dict.fromkeys(COLUMN_NAMES, "")] for k in COLUMN_LABELS},
                       **{k: [dict.fromkeys(ROW_NAMES, "")] for k in ROW_LABELS}}
    if name == "kpi_trend":
        whole = [{**ctx, **goal, "baseline": ctx["baseline_header"]} for goal in ctx["goals"]]
        whole.append({**ctx, "no": "", "baseline": ctx["baseline_header"]})
        alt = dict.fromkeys(CHART_ALT_HEADERS + CHART_ALT_NAMES, "")
        return whole, {"charts_heading": list(ctx["goals"]), "chart_alt": [alt]}
    if name == "kpi_form":  # filled per rating axis by render/xlsx_forms.py
        axis = {"label": "", "symbols": ""}
        return [ctx], {"axes_instruction": [{"axes": "", "texts": ""}], "axis_prompt": [axis], "axis_error": [axis]}
    rows = [r for r in ctx.get("rows", ()) if isinstance(r, dict) and r.get("kind") == "goal"]
    return [ctx], {"goal_row": rows}
