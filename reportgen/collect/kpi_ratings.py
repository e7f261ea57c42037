"""A returned KPI form row's rating columns judged: one per rating axis and text it was sent with, each axis with its own rule."""
from __future__ import annotations

from reportgen.collect import cells
from reportgen.collect.merge import Change
from reportgen.rules.problems import Msg


def _declared(r) -> list[tuple[object, object]] | None:
    """(column, axis or text) of each rating column the form was sent with, by the id it records; a form
    with the fixed columns (no recorded layout) took the first axis and the first text. None: the
    strategy no longer declares what the form asks for (reported at the cell)."""
    axes, texts = r.sd.strategy.axes, r.sd.strategy.texts
    fixed = "columns" not in r.form.identity
    out, missing = [], False
    for c in r.form.columns:
        if not c.role or c.name not in r.base:
            continue
        items = axes if c.role == "mark" else texts
        item = (items[0] if items else None) if fixed else next((i for i in items if i.id == c.ref), None)
        if item is None:
            if fixed:  # a strategy rating nothing: its fixed-layout forms carried empty locked cells
                continue
            missing = True
            r.problem(c.name, Msg(ja=f"この欄（{c.ref}）は戦略の評価の宣言（strategy.yaml rating_axes / rating_texts）にもうありません",
                                  en=f"this column ({c.ref}) is no longer declared by the strategy (rating_axes / rating_texts)"))
            continue
        out.append((c, item))
    return None if missing else out


def _shown(item, default: str) -> str:
    return item.label or default


def judge(r, holder, review, sub, label: str, rel: str) -> None:
    # one column per rating axis and text the form was sent with (layout.kpi_columns), each judged with
    # its own rule: an axis's symbol with RatingAxis.parse (cells.rating), the loader's one rule
    declared = _declared(r)
    if declared is None:
        return
    marks = [(c, a) for c, a in declared if c.role == "mark"]
    notes = [(c, t) for c, t in declared if c.role == "text"]
    values = {c.name: r.judged(c.name, lambda cell, a=a: cells.rating(cell, a)) for c, a in marks}
    values |= {c.name: r.judged(c.name, cells.text) for c, _ in notes}
    if any(v is None for v in values.values()):
        return
    rated = holder.ratings.get(review.id)
    now = {c.name: rated.get(i.id) if rated else "" for c, i in declared}
    if marks and not any(values[c.name] for c, _ in marks) and any(values[c.name] for c, _ in notes) and not rated:
        c, a = marks[0]
        what = "、".join(_shown(t, "評価理由") for c2, t in notes if values[c2.name])
        pick = "、".join(f"{_shown(x, '評価')}（{', '.join(x.typed)}）" for _, x in marks)
        r.problem(c.name, Msg(ja=f"{what}だけが書かれています: {pick}を選んでください",
                              en=f"a text without a rating: pick {pick}"), _shown(a, c.name))
        return
    # every axis must be rated (the loader's rule): an axis left empty beside another one is located here
    after = {name: values[name] or now[name] for name in values}
    if any(after[c.name] for c, _ in marks) or any(values[c.name] for c, _ in notes):
        empty = [(c, a) for c, a in marks if not after[c.name]]
        for c, a in empty:
            r.problem(c.name, Msg(ja=f"{_shown(a, '評価')}が選ばれていません: {', '.join(a.typed)} のいずれかを選んでください"
                                     "（評価はすべての欄に必要です）",
                                  en=f"{a.label or 'a rating'} is not picked: pick one of {', '.join(a.typed)} "
                                     "(every rating column is needed)"), _shown(a, c.name))
        if empty:
            return
    for c, item in declared:
        target = ("measure", r.key, f"{'mark' if c.role == 'mark' else 'text'}:{item.id}", review.id, sub)
        was = r.current.now(target, now[c.name])
        r.decide(Change(rel, target, label, c.name, was, values[c.name], values[c.name], item.label or ""), was)
