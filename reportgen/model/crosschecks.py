"""The checks that span fields or files of a data folder: references, uniqueness, units, groupings, ratings."""
from __future__ import annotations

import difflib

from reportgen.model import measures
from reportgen.model import schema as m
from reportgen.model.loadproblems import Collector, File
from reportgen.rules import eradays, plausibility, valuekinds, wording
from reportgen.rules.problems import Invalid, Msg, expected_got, show

KPI_DOCUMENTS = ("target_list", "kpi_trend")  # deliverables that print KPIs under policy groups


# ---------------------------------------------------------------------------- cross-references


def check(out: Collector, depts: File, strategy_files, pledge_files) -> None:
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
                out.add(depts, ("departments", i, "parent"), unknown("部署", "department", d.parent, dept_names))

    def check_depts(f: File, path: tuple, names) -> None:
        if dept_names is None:
            return
        for j, name in enumerate(names):
            if name not in dept_names:
                out.add(f, path + (j,), unknown("部署（departments.yaml）", "department (departments.yaml)",
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
                        out.add(sf, ("groupings", gname, gi, pi), unknown("施策ID", "policy id", pid, policy_ids))
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
                    out.add(pf, where + ("policy",), unknown("施策ID", "policy id", p.policy, policy_ids))
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
                                unknown("部署（departments.yaml）", "department (departments.yaml)", item.department, dept_names))


def _check_wording(out: Collector, sf: File, pf: File, s: m.Strategy) -> None:
    """A city without project lists has no project data and no project wording; KPIs are labelled one way."""
    for in_projects, path, message in wording.strategy_problems(s, has_projects_file=pf.located is not None):
        out.add(pf if in_projects else sf, path, message)


def _key(f: File, path: tuple, fy) -> str:
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


def unknown(ja: str, en: str, got: str, known) -> Msg:
    close = difflib.get_close_matches(str(got), [str(k) for k in known], n=1)
    hint_ja = f"（{close[0]} の誤りでは？）" if close else ""
    hint_en = f" (did you mean {close[0]!r}?)" if close else ""
    return Msg(ja=f"未登録の{ja}です{hint_ja}: {show(got, 'ja')}", en=f"expected a known {en}{hint_en}, got {show(got)}")


def _check_measures(out, kf: File, s: m.Strategy, policy_ids, groupings, review_ids, check_depts) -> None:
    goal_nos = {g.no for g in s.goals}
    kpi_ids: set[str] = set()
    for key, items in (("indicators", kf.obj.indicators), ("kpis", kf.obj.kpis)):
        for i, meas in enumerate(items):
            where = (key, i)
            if isinstance(meas, measures.Indicator) and meas.goal not in goal_nos:
                out.add(kf, where + ("goal",), unknown("基本目標番号", "goal number", meas.goal, goal_nos))
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


def _check_ended(out, f: File, where: tuple, ended, start, s: m.Strategy) -> None:
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
            out.add(kf, path + (j,), unknown("施策ID", "policy id", pid, policy_ids))
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


def _is_mapping(f: File, path: tuple) -> bool:
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


def _written(f: File, path: tuple) -> str | None:
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
