"""Rating axes and 達成率 as a strategy declares them: symbols, legends, the one symbol rule, suggestion rules, rates."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Annotated, Any, Literal

from reportgen.rules import rates, valuekinds
from reportgen.rules.problems import Invalid, Msg
from reportgen.rules.typed import Field, Record, after


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(Msg(ja="文字列", en="text"), value)
    return value


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise Invalid(Msg(ja="true または false", en="true or false"), value)


def _number(value: Any) -> Decimal:
    text = _text(value).strip()
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise Invalid(Msg(ja="数（例: 80, 12.5）", en="a number such as 80 or 12.5"), value)
    return Decimal(text)


def _digits(value: Any) -> int:
    text = _text(str(value) if isinstance(value, int) and not isinstance(value, bool) else value).strip()
    if not re.fullmatch(r"[0-6]", text):
        raise Invalid(Msg(ja="小数点以下の桁数 0～6", en="digits after the point, 0 to 6"), value)
    return int(text)


def _colour(value: Any) -> str:
    text = _text(value).strip().lstrip("#").upper()
    if not re.fullmatch(r"[0-9A-F]{6}", text):
        raise Invalid(Msg(ja="色（例: C6EFCE）", en="a colour such as C6EFCE"), value)
    return text


Str = Annotated[str, _text]
Flag = Annotated[bool, _flag]
Num = Annotated[Decimal, _number]
Digits = Annotated[int, _digits]
Colour = Annotated[str, _colour]


class _Model(Record):
    """Frozen, unknown keys refused (rules/typed.py)."""

# ---------------------------------------------------------------------------- suggestion rules


class Rule(_Model):
    """When a symbol is suggested: every condition given must hold ("better"/"worse" follow the
    measure's direction; rates are the strategy's 達成率). `otherwise: true` always holds."""

    reached: Literal["target"] | None = None
    better_than: Literal["baseline", "target"] | None = None
    same_as: Literal["baseline"] | None = None
    worse_than: Literal["baseline"] | None = None
    worse_than_baseline_by_at_most_percent: Num | None = None
    rate_at_least: Num | None = None
    rate_below: Num | None = None
    no_value: Flag | None = None
    otherwise: Flag | None = None


class Symbol(_Model):
    symbol: Str | None = Field(description="As printed and typed (○, A, 1); null where the legend names "
                                           "a case with no printable symbol (not rated).")
    legend: Str = Field("", description="Its meaning as the legend prints it (順調, 目標値以上).")
    achieved: Flag = Field(False, description="Counts as achieved (counts, colours).")
    not_rated: Flag = Field(False, description="Means 'not rated' (未実施, 評価せず).")
    colour: Colour | None = Field(None, description="Fill of a cell holding this symbol (RRGGBB).")
    rule: Rule | None = Field(None, description="When this symbol is suggested (with `suggest: rules`).")


class RatingAxis(_Model):
    """One rating column: its symbols in order (dropdowns, legends, counts), its legend, its suggestion."""

    id: Str = Field(description="The key in kpis.yaml ratings (rating, improvement, achievement …).")
    label: Str | None = Field(None, description="Column header; the labels file's `rating` where absent.")
    legend_title: Str | None = Field(None, description="Printed before the legend (評価凡例, 達成度:).")
    legend_format: Str = Field("{symbol}：{legend}", description="One symbol's legend ({symbol}, {legend}).")
    legend_join: Str | None = Field(None, description="Joins the symbols' legends on one line after the "
                                                      "title (\",\"); absent: one line per symbol.")
    symbols: list[Symbol] = Field(min_length=1)
    suggest: Literal["iruma_1_4", "rules"] | None = Field(None, description="How a symbol is suggested.")

    @after
    def _symbols_distinct(self) -> "RatingAxis":
        seen = set()
        for s in self.typed:
            # a dropdown's list is one comma-separated formula: a comma or quote would split or end it
            if s in seen or not s.strip() or any(ch in s for ch in ',"\n'):
                raise Invalid(Msg(ja="互いに異なる、空でなく , \" や改行を含まない記号",
                                  en="distinct, non-empty symbols without , \" or a line break"), s)
            seen.add(s)
        return self

    @property
    def typed(self) -> list[str]:
        """The symbols a clerk may write, in order."""
        return [s.symbol for s in self.symbols if s.symbol is not None]

    def expected(self) -> Msg:
        listed = ", ".join(self.typed)
        return Msg(ja=f"{self.label or '評価'}: {listed} のいずれか", en=f"{self.label or 'a rating'}: one of {listed}")

    def parse(self, value: Any, typed: bool = False) -> str:
        """The one rule for a rating, in data/ and in a returned form: a symbol of this axis, blanks
        around it ignored; `typed` (a clerk's cell) also takes another width of the same symbol (４, Ａ)."""
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise Invalid(self.expected(), value)
        written = value.strip()
        if written in self.typed:
            return written
        if not typed:
            raise Invalid(self.expected(), value)
        norm = unicodedata.normalize("NFKC", written)
        for s in self.typed:
            if unicodedata.normalize("NFKC", s) == norm:
                return s
        raise Invalid(self.expected(), value)

    def legend_lines(self) -> list[str]:
        parts = [self.legend_format.format(symbol=s.symbol or "", legend=s.legend) for s in self.symbols]
        if self.legend_join is not None:
            return [(self.legend_title or "") + self.legend_join.join(parts)]
        return ([self.legend_title] if self.legend_title else []) + parts

    def symbol(self, written: str) -> Symbol | None:
        return next((s for s in self.symbols if s.symbol == written), None)


class RatingText(_Model):
    """A text that goes with a review (評価理由, ≪成果と見直し≫), with no rating of its own."""

    id: Str
    label: Str | None = Field(None, description="Column header or the row's heading; the labels file's `reason` where absent.")
    layout: Literal["column", "full_width_row"] = "column"


# Iruma's 1–4 scale: the axis of a strategy that declares none. Its legend and header stay in the
# labels file (templates/kpi_trend.labels.yaml rating_legend, rating), which prints them as before.
DEFAULT_AXIS = RatingAxis(id="rating", symbols=[Symbol(symbol=str(n), achieved=(n == 4)) for n in range(1, 5)],
                          suggest="iruma_1_4")
DEFAULT_TEXT = RatingText(id="reason")


def is_default(axes: list[RatingAxis]) -> bool:
    return axes == [DEFAULT_AXIS]


# ---------------------------------------------------------------------------- 達成率


class RateDeclaration(_Model):
    """strategy.yaml `achievement_rate`: how the 達成率 column is computed and printed."""

    label: Str = Field(description="Column header (達成率, 進捗率 (B)/(A)).")
    formula: Literal["actual_over_target", "progress_from_baseline"] = "actual_over_target"
    percent: Flag = True
    digits: Digits = 1
    rounding: Literal["half_up", "down", "half_even"] = "half_up"
    keep_trailing_zero: Flag = True
    over_100: Literal["show", "cap"] = "show"
    no_rate: Str = Field("—", description="What a cell with no rate prints (— by default; \"\" leaves it blank, "
                                          "as a source that leaves the cell empty).")

    def rule(self, override: "RateOverride | None" = None) -> rates.RateRule:
        fields = {k: getattr(self, k) for k in ("formula", "percent", "digits", "rounding", "keep_trailing_zero", "over_100")}
        if override is not None:
            fields.update({k: v for k, v in override if v is not None and k not in ("none", "no_rate")})
        return rates.RateRule(**fields)


class RateOverride(_Model):
    """A measure's own 達成率 (kpis.yaml `achievement_rate`): any field of the strategy's, or `none: true` (printed —)."""

    none: Flag | None = None
    no_rate: Str | None = None
    formula: Literal["actual_over_target", "progress_from_baseline"] | None = None
    digits: Digits | None = None
    rounding: Literal["half_up", "down", "half_even"] | None = None
    keep_trailing_zero: Flag | None = None
    over_100: Literal["show", "cap"] | None = None


class Shares(_Model):
    """strategy.yaml `shares`: how shares of counts are rounded (安平町's 7 (31.8%))."""

    digits: Digits = 1
    rounding: Literal["half_up", "down", "half_even"] = "half_up"
    keep_trailing_zero: Flag = True

    def rule(self) -> rates.Rounding:
        return rates.Rounding(digits=self.digits, rounding=self.rounding, keep_trailing_zero=self.keep_trailing_zero)


# ---------------------------------------------------------------------------- suggestions and rates of a measure


def _target_number(meas, base: Decimal | None = None) -> Decimal | None:
    """The target's number; a relation to the baseline (基準値以上, 現状維持 …) counts as the baseline
    (valuekinds: one definition with the differences and colours)."""
    return valuekinds.target_number(meas)


def _reported(meas, upto) -> list:
    """(when, number) of the values documents of `upto` show, in order (a calendar-year value from the
    fiscal year after it)."""
    return [(w, f.value.number) for w, f in valuekinds.ordered(meas.actuals)
            if valuekinds.shown_in(w, upto, f) and f.value is not None]


def _reached(meas, latest: Decimal, target: Decimal | None = None) -> bool:
    # a bounded target (75%以上, 2.0%以内) is reached when the bound holds, else in the KPI's direction
    return bool(valuekinds.reached(meas, latest))


def iruma_1_4(meas, upto) -> int | None:
    """README §Suggested rating: 4 target reached; 3 better than the baseline and the latest change
    not a worsening; 2 no better than … or the latest change a worsening; 1 worse than the
    baseline. None where baseline, target or a reported number is missing."""
    base = valuekinds.baseline_number(meas)
    reported = _reported(meas, upto)
    if base is None or not reported or valuekinds.target_number(meas) is None:
        return None
    latest = reported[-1][1]
    sign = {"up": 1, "down": -1}.get(meas.direction)
    if sign is None:  # keep: the baseline is the target
        return 4 if latest == base else 2
    # a yearly sum (5年間で100人) compares the sum so far; better or worse than the baseline stays the direction
    summed = meas.cumulative is not None and meas.cumulative.kind == "yearly_sum"
    if valuekinds.reached(meas, valuekinds.compared_value(meas, upto) if summed else latest):
        return 4
    gain = (latest - base) * sign
    if gain < 0:
        return 1
    last_step = (latest - reported[-2][1]) * sign if len(reported) > 1 else Decimal(0)
    if gain > 0 and last_step >= 0:
        return 3
    return 2


def rate_of(meas, upto, decl: RateDeclaration | None) -> Decimal | None:
    """The measure's 達成率 (a fraction) with its latest number up to `upto`, or None (none declared,
    opted out, or not computable: no number, no numeric target)."""
    override = getattr(meas, "achievement_rate", None)
    if decl is None or (override is not None and override.none):
        return None
    rule = decl.rule(override)
    reported = _reported(meas, upto)
    b = valuekinds.baseline_number(meas)
    t = _target_number(meas, b)
    if not reported or t is None:
        return None
    summed = meas.cumulative is not None and meas.cumulative.kind == "yearly_sum"
    latest = valuekinds.compared_value(meas, upto) if summed else reported[-1][1]
    return rates.ratio(latest, t, b, meas.direction, rule.formula)


def rate_text_of(meas, upto, decl: RateDeclaration | None) -> str:
    value = rate_of(meas, upto, decl)
    if not decl:
        return ""
    override = getattr(meas, "achievement_rate", None)
    # the text of a cell with no rate: the measure's own, else the strategy's (— unless the source leaves it blank)
    no_rate = override.no_rate if override is not None and override.no_rate is not None else decl.no_rate
    return rates.rate_text(value, decl.rule(override), no_rate)


def _holds(rule: Rule, meas, upto, decl) -> bool:
    reported = _reported(meas, upto)
    b = valuekinds.baseline_number(meas)
    latest = reported[-1][1] if reported else None
    sign = {"up": 1, "down": -1}.get(meas.direction, 0)
    checks = []
    if rule.no_value is not None:
        checks.append((latest is None) == rule.no_value)
    if rule.reached is not None:
        t = _target_number(meas, b)
        checks.append(latest is not None and t is not None and _reached(meas, latest, t))
    for kind, ref in (("better", rule.better_than), ("worse", rule.worse_than), ("same", rule.same_as)):
        if ref is None:
            continue
        other = b if ref == "baseline" else _target_number(meas, b)
        if latest is None or other is None:
            checks.append(False)
            continue
        d = (latest - other) * sign if sign else -abs(latest - other)
        checks.append(d > 0 if kind == "better" else d < 0 if kind == "worse" else latest == other)
    if rule.worse_than_baseline_by_at_most_percent is not None:
        if latest is None or not b:
            checks.append(False)
        else:
            loss = (b - latest) * sign if sign else abs(latest - b)
            checks.append(loss * 100 <= abs(b) * rule.worse_than_baseline_by_at_most_percent)
    if rule.rate_at_least is not None or rule.rate_below is not None:
        r = rate_of(meas, upto, decl)
        if r is None:
            checks.append(False)
        else:
            pct = r * 100
            checks.append((rule.rate_at_least is None or pct >= rule.rate_at_least)
                          and (rule.rate_below is None or pct < rule.rate_below))
    return all(checks)


def suggest(axis: RatingAxis, meas, upto, decl: RateDeclaration | None = None) -> str | None:
    """The symbol the axis's rule suggests for the measure's values up to `upto`, or None."""
    if axis.suggest == "iruma_1_4":
        n = iruma_1_4(meas, upto)
        return str(n) if n is not None else None
    if axis.suggest == "rules":
        for s in axis.symbols:
            if s.rule is not None and _holds(s.rule, meas, upto, decl):
                return s.symbol
    return None
