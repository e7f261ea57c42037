"""Plausibility warnings on a measure's figures: never errors, never stopping a build (pure).

Each is a figure a person should look at again: a target on the wrong side of the baseline for the
measure's direction (the △ lost when a figure is copied from a PDF looks exactly like this), an
actual more than ten times the one before or less than a tenth of it (98% typed as the fraction 0.992
in a General cell), a unit unlike the baseline's. The loader locates them (file:line, field) once per
load, so a build and `check` print each once, whatever years are built; `collect` says the same at the
form's cell (`entry`) when the value comes in.
"""
from __future__ import annotations

from typing import Callable

from reportgen.rules import eradays, valuekinds
from reportgen.rules.numbers import Quantity, format_quantity
from reportgen.rules.problems import Msg

RATIO = 10  # an actual more than this many times the one before is worth a second look

_DIRECTION = {"up": ("大きいほど良い", "higher is better"), "down": ("小さいほど良い", "lower is better")}


def _target_side(meas, path: tuple) -> list[tuple[tuple, str, Msg]]:
    t, b = meas.target, meas.baseline
    if t.value is None or t.bound or b.value is None or b.none is not None or meas.direction not in _DIRECTION:
        return []
    if meas.cumulative is not None and meas.cumulative.kind == "yearly_sum":
        return []  # a sum over years against one year's baseline: no side to be on
    if t.value.unit != b.value.unit:
        return []
    wrong = t.value.number < b.value.number if meas.direction == "up" else t.value.number > b.value.number
    if not wrong:
        return []
    tt, bt = format_quantity(t.value), format_quantity(b.value)
    ja_side, en_side = ("小さい", "below") if meas.direction == "up" else ("大きい", "above")
    ja_dir, en_dir = _DIRECTION[meas.direction]
    return [(path, "target_side", Msg(
        ja=f"警告（ビルドは続けます）: 目標値 {tt} が基準値 {bt} より{ja_side}値です（direction: {meas.direction}、{ja_dir}指標）。"
           f"PDF などからの転記で △（マイナス）が落ちていないか、direction が正しいか確認してください",
        en=f"please check: the target {tt} is {en_side} the baseline {bt} (direction: {meas.direction}, {en_dir}); "
           f"was a △ (minus) lost when the figure was copied, or is the direction wrong?"))]


def _jump(w0, a, b) -> Msg | None:
    """How far b is from a, the value before it (dated w0), when more than RATIO times, up or down; else None.
    A fall to 0 is left alone (a waiting list emptied), as is anything after a 0."""
    if a.unit != b.unit or a.number == 0 or b.number == 0:
        return None
    before = f"前の値（{valuekinds.spelled(w0)}）{format_quantity(a)}", f"the one before ({valuekinds.spelled(w0)}: {format_quantity(a)})"
    if abs(b.number) > RATIO * abs(a.number):
        return Msg(ja=f"実績値 {format_quantity(b)} が{before[0]} の{RATIO}倍を超えています",
                   en=f"the actual {format_quantity(b)} is more than {RATIO} times {before[1]}")
    if abs(b.number) * RATIO < abs(a.number):
        return Msg(ja=f"実績値 {format_quantity(b)} が{before[0]} の{RATIO}分の1未満です",
                   en=f"the actual {format_quantity(b)} is less than a {RATIO}th of {before[1]}")
    return None


def entry(meas, when, q, typed: str) -> Msg | None:
    """A value `q` typed into a form (as `typed`) for `when`, against the measure's own history: the
    tenfold warning the loader will give, said at the cell, and for a percentage typed as a fraction
    (0.992 for about 98%) what the history suggests was meant. None when plausible or acknowledged
    (`checked: [tenfold]`)."""
    if "tenfold" in (getattr(meas, "checked", ()) or ()):
        return None
    before = [(w, f.value) for w, f in valuekinds.ordered(meas.actuals)
              if f.value is not None and eradays.moment(w) < eradays.moment(when)]
    if not before and meas.baseline is not None and meas.baseline.value is not None and meas.baseline.as_of is not None:
        before = [(meas.baseline.as_of, meas.baseline.value)]
    if not before:
        return None
    w0, a = before[-1]
    jump = _jump(w0, a, q)
    if jump is None:
        return None
    said = Msg(ja=f"警告（取り込みました）: 「{typed}」と入力されています。" + jump.ja,
               en=f"please check (taken): {typed!r} was typed; " + jump.en)
    meant = q.number * 100
    if q.unit in PERCENT and 0 < abs(q.number) <= 1 and _jump(w0, a, Quantity(meant, q.unit)) is None:
        shown = format(meant.normalize(), "f")
        return Msg(ja=said.ja + f"。{shown}{q.unit} のつもりなら {shown} と入力してください（割合を小数 {typed} で入力すると {typed}{q.unit} になります）",
                   en=said.en + f"; if {shown}{q.unit} is meant, type {shown} (a share typed as the fraction {typed} is read as {typed}{q.unit})")
    return Msg(ja=said.ja + "。桁・単位・小数点の誤りがないか確認してください",
               en=said.en + "; is a digit, the unit or the decimal point wrong?")


PERCENT = ("%", "％")

# The kinds of warning, as a measure's `checked:` names those a person has looked at and found right
KINDS = ("target_side", "tenfold", "actual_unit", "target_unit")
_HINT = Msg(ja="（確認済みなら、この指標に checked: [{kind}] と書くと表示されなくなります）",
            en=" (once checked, write checked: [{kind}] on this measure to stop this warning)")


def warnings(meas, key_of: Callable[[object, str], str]) -> list[tuple[tuple, Msg]]:
    """(path within the measure, message) of each plausibility warning the measure's `checked` does
    not acknowledge; `key_of(when, field)` gives the key as written in the file (for the location)."""
    acknowledged = set(getattr(meas, "checked", ()) or ())
    return [(path, Msg(ja=msg.ja + _HINT.ja.format(kind=kind), en=msg.en + _HINT.en.format(kind=kind)))
            for path, kind, msg in _warnings(meas, key_of) if kind not in acknowledged]


def _warnings(meas, key_of: Callable[[object, str], str]) -> list[tuple[tuple, str, Msg]]:
    out = _target_side(meas, ("target",))
    for j, rev in enumerate(meas.revisions):
        if rev.set.target is not None or rev.set.baseline is not None:
            out += _target_side(meas.as_of(rev.since), ("revisions", j, "set"))
    numeric = [(w, f) for w, f in valuekinds.ordered(meas.actuals) if f.value is not None]
    for (w0, f0), (w1, f1) in zip(numeric, numeric[1:]):
        jump = _jump(w0, f0.value, f1.value)
        if jump is not None:
            out.append((("actuals", key_of(w1, "actuals")), "tenfold", Msg(
                ja="警告（ビルドは続けます）: " + jump.ja + "。桁・単位・小数点の誤りがないか確認してください",
                en="please check: " + jump.en + "; is a digit, the unit or the decimal point wrong?")))
    # a unit unlike the baseline's in force for the value's year: one warning per measure, the values listed
    odd = []
    for w, f in numeric:
        base = meas.as_of(eradays.first_document_year(w)).baseline
        if base.value is not None and f.value.unit != base.value.unit:
            odd.append((w, f, base))
    if odd:
        w, f, base = odd[0]
        listed = "、".join(f"{valuekinds.spelled(x)} {format_quantity(g.value)}" for x, g, _ in odd)
        unit = base.value.unit or "（なし）"
        out.append((("actuals", key_of(w, "actuals")), "actual_unit", Msg(
            ja=f"警告（ビルドは続けます）: 実績値の単位が基準値 {format_quantity(base.value)} の単位 {unit} と異なります（{listed}）",
            en=f"please check: the unit of the actuals differs from the baseline's {format_quantity(base.value)} ({listed})")))
    t, b = meas.target, meas.baseline
    if t.value is not None and b.value is not None and t.value.unit != b.value.unit:
        out.append((("target",), "target_unit", Msg(
            ja=f"警告（ビルドは続けます）: 目標値 {format_quantity(t.value)} の単位が基準値 {format_quantity(b.value)} の単位と異なります",
            en=f"please check: the target {format_quantity(t.value)} is in another unit than the baseline {format_quantity(b.value)}")))
    return out
