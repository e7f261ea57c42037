"""How figures, targets and differences read in a cell (pure; shared by every document)."""
from __future__ import annotations

from reportgen.model.measures import Figure
from reportgen.model.scalars import Target
from reportgen.rules import era, valuekinds
from reportgen.rules.era import FiscalYear
from reportgen.rules.numbers import Quantity, format_quantity

NOT_COMPUTABLE = "—"  # a difference that cannot be computed (FORMATS.md §1)
NOT_REPORTED = "-"    # a year not yet reported (FORMATS.md §3)


def quantity_text(q: Quantity, prefix: bool = True, column_unit: str | None = None) -> str:
    """The figure as printed; without its unit where the table prints that unit once in a 単位 column
    (`column_unit`; a figure in another unit, a target in its `target_unit`, keeps its own)."""
    text = format_quantity(q, prefix=prefix)
    if column_unit and q.unit == column_unit and text.endswith(column_unit):
        return text[: -len(column_unit)]
    return text


def figure_text(fig: Figure | None, *, as_of: str = "differs", column_year: FiscalYear | None = None,
                footnote_mark: bool = True, empty: str = NOT_COMPUTABLE, style: str = "short",
                column_unit: str | None = None, fy2019: str) -> str:
    """`4,743事業所 (R03)`, `— (参考:市政意向調査82.1%)`, `- (新規)`, `4,962事業所※`.

    as_of: "always" prints the measured year as `(R2)`; "note" prints it as `(R03)` (the trend
    sheet's notes on actuals); "differs" prints `(R1)` only when it is not the column's year.
    `fy2019`: how the document names FY2019 (era.fy2019_name_for).
    """
    if fig is None:
        return empty
    text = value_text(fig, column_unit=column_unit)
    if fig.as_of is not None:
        if as_of == "always":
            text += valuekinds.note_year(fig.as_of, style, fy2019=fy2019)
        elif as_of == "note":
            # the trend sheet's own form, (R03), in the short 和暦; a city's other notation as it prints it
            text += f" {era.as_of_note(fig.as_of, fy2019=fy2019)}" if isinstance(fig.as_of, FiscalYear) \
                and style == "short" else valuekinds.note_year(fig.as_of, style, fy2019=fy2019)
        elif as_of == "differs" and column_year is not None and fig.as_of != column_year:
            text += valuekinds.note_year(fig.as_of, style, fy2019=fy2019)
    if fig.reference is not None:
        text += f" (参考:{fig.reference.source}{quantity_text(fig.reference.value, column_unit=column_unit)})"
    if fig.remark:
        text += f" ({fig.remark})"
    if fig.footnote and footnote_mark:
        text += "※"
    return text


def value_text(fig: Figure, column_unit: str | None = None) -> str:
    """A figure's value alone, as its cell begins: `4,713事業所`, `75%以上`, `調整中`, `新規` (without
    `column_unit` where a 単位 column prints it)."""
    if fig.value is None:
        return fig.state or fig.none or ""
    return quantity_text(fig.value, column_unit=column_unit) + (fig.bound or "")


def split_dated(text: str, fig: Figure | None, dated: bool, column_unit: str | None = None) -> tuple[str, str]:
    """A cell's text cut where the figure's own year note begins (`4,713事業所`, ` (H28)`), so a
    renderer can keep the note whole on one line; (text, "") where no year note is printed."""
    if fig is None or not dated:
        return text, ""
    head = value_text(fig, column_unit)
    return (head, text[len(head):]) if text.startswith(head) and len(text) > len(head) else (text, "")


def target_text(target: Target, style: str = "short", year: bool = True, column_unit: str | None = None, *,
                fy2019: str) -> str:
    """270件, 年4件, 2.0%以内, 基準値以上, 調整中; with its own year 5.9‰(平成31年)."""
    if target.value is not None:
        text = quantity_text(target.value, column_unit=column_unit) + (target.bound or "")
    else:
        text = target.relation or target.state or ""
    if target.year is not None and year:
        text += valuekinds.note_year(target.year, style, fy2019=fy2019)
    if target.remark:
        text += f"({target.remark})"  # 610人(期間平均), as the tables print a target's note
    return text


def statement_text(meas, style: str, notation: era.Notation) -> str:
    """A 数値目標 stated as a sentence, its places filled from the measure's figures: 5年間で100人の雇用の
    創出 (平成27年度 13人) from `5年間で{target}の雇用の創出 ({baseline_year} {baseline})`."""
    when = meas.baseline.as_of
    if isinstance(when, FiscalYear):
        year = notation.long(when)
    elif when is not None:
        shown = "long" if notation.style in ("short", "long") else notation.style
        year = valuekinds.note_year(when, shown, fy2019=notation.fy2019).strip()[1:-1]
    else:
        year = ""
    return meas.statement.format(target=target_text(meas.target, style, fy2019=notation.fy2019),
                                 baseline=value_text(meas.baseline), baseline_year=year)


def measure_diff_text(meas, current: Figure | None, column_unit: str | None = None) -> str:
    """基準値からの増減 of a measure's figure (valuekinds.difference_quantity), or `—`."""
    q = valuekinds.difference_quantity(meas, current)
    return quantity_text(q, column_unit=column_unit) if q is not None else NOT_COMPUTABLE
