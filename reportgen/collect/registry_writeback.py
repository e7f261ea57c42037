"""The registry's accepted changes written into projects.yaml / kpis.yaml as the model expresses them (comments kept).

A project's name and 取組内容 go to `years.<year>` (earlier years keep theirs); its registered
fields and a KPI's 廃止 to the item itself; a KPI's definition to a revision `since` the year
collected (one revision per year, shared by the fields changed that year); new items at the end.
"""
from __future__ import annotations

from reportgen.collect.merge import Change
from reportgen.collect.yamltext import _figure_yaml, _key_for, _yaml_text
from reportgen.rules import era
from reportgen.rules.era import FiscalYear

SOURCE = "事業・KPI登録簿（{}）"  # the revision's source: the document that made the change
_AFTER = ("actuals", "ratings", "sub_items", "revisions", "years", "evaluations")  # `ended` goes before these


def _seq(items: list[str]):
    from ruamel.yaml.comments import CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    seq = CommentedSeq(DoubleQuotedScalarString(i) if "-" in i else _yaml_text(i) for i in items)
    seq.fa.set_flow_style()
    return seq


def _tail(node, token=None, take: bool = True):
    """The comment after a node's last line, which ruamel keeps on its deepest last entry (a heading
    such as `# ---- 基本施策：…` before the next item): taken off (`take`), or put back there (`token`)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if not isinstance(node, (CommentedMap, CommentedSeq)) or not len(node):
        return None
    last = list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1
    value = node[last]
    if isinstance(value, (CommentedMap, CommentedSeq)) and len(value):
        return _tail(value, token, take)
    slot = 2 if isinstance(node, CommentedMap) else 0
    items = node.ca.items.setdefault(last, [None, None, None, None])
    if take:
        found, items[slot] = items[slot], None
        return found
    items[slot] = token
    return None


def _append(container, value, key=None) -> None:
    """Add at the end of a mapping or list, keeping the comment that followed its last line after the new end."""
    token = _tail(container)
    if key is None:
        container.append(value)
    else:
        container[key] = value
    if token is not None:
        _tail(container, token, take=False)


def _put(mapping, key: str, value, before: tuple[str, ...] = _AFTER) -> None:
    """Set `key`, a new key going before the first of `before` the mapping has (else at the end)."""
    if key in mapping:
        mapping[key] = value
        return
    at = next((i for i, k in enumerate(mapping) if k in before), None)
    if at is None:
        _append(mapping, value, key)
    else:
        mapping.insert(at, key, value)


def _ended(mapping, value: str | None) -> None:
    if value:
        _put(mapping, "ended", value)
    elif "ended" in mapping:
        del mapping["ended"]


def _listing(project, fy: FiscalYear):
    """The project's listing of `fy`, made (with the 取組内容 it last had) when it has none."""
    from ruamel.yaml.comments import CommentedMap

    years = project.get("years")
    key = _key_for(years or {}, fy)
    if years is not None and key in years:
        return years[key]
    earlier = [k for k in years or () if era.parse_fy(str(k)) < fy]
    listing = CommentedMap()
    listing["work"] = years[max(earlier, key=lambda k: era.parse_fy(str(k)))]["work"] if earlier else project.get("description", "")
    if years is None:
        _put(project, "years", CommentedMap({key: listing}), ("evaluations",))
    else:
        _append(years, listing, key)
    return listing


def _value(field: str, value):
    from ruamel.yaml.comments import CommentedMap

    if field in ("departments", "policies"):
        return _seq(value)
    if field == "baseline":
        return _figure_yaml(value)
    if field == "target" and isinstance(value, dict):
        m = CommentedMap(state=_yaml_text(value["state"]))
        m.fa.set_flow_style()
        return m
    if field == "policy":
        from ruamel.yaml.scalarstring import DoubleQuotedScalarString

        return DoubleQuotedScalarString(value)
    return _yaml_text(value or "")


def _revise(kpi, fy: FiscalYear, field: str, value) -> None:
    """Set `field` in the KPI's revision since `fy` (made, with its source, when there is none)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    revisions = kpi.get("revisions")
    for rev in revisions or ():
        if era.parse_fy(str(rev["since"])) == fy:
            if field in rev["set"]:
                rev["set"][field] = value
            else:
                _append(rev["set"], value, field)
            return
    rev = CommentedMap()
    rev["since"] = era.short(fy, fy2019=era.NATIONAL)
    rev["source"] = SOURCE.format(era.long(fy, fy2019=era.NATIONAL))
    rev["set"] = CommentedMap({field: value})
    if revisions is None:
        _append(kpi, CommentedSeq([rev]), "revisions")
    else:
        _append(revisions, rev)


def _new(fields: dict, order: tuple[str, ...], fy: FiscalYear):
    from ruamel.yaml.comments import CommentedMap

    m = CommentedMap()
    for k in order:
        v = fields.get(k)
        if k == "years":
            listing = CommentedMap(work=_yaml_text(fields["work"]))
            m["years"] = CommentedMap({era.short(fy, fy2019=era.NATIONAL): listing})
        elif v not in (None, "", []) or k in ("id", "name", "description", "policy", "policies", "direction"):
            m[k] = _value(k, v) if k not in ("id", "first_year", "since", "ended") else v
    return m


def _items(doc, key: str):
    seq = doc[key]
    if seq.fa.flow_style():  # `projects: []` becomes a block list when it gets its first item
        seq.fa.set_block_style()
    return seq


def apply(doc, c: Change) -> None:
    _, what, ident, field, fy = c.target
    if what == "new-project":
        _append(_items(doc, "projects"), _new(c.written, ("id", "name", "description", "policy", "departments",
                                                        "first_year", "years", "ended"), fy))
        return
    if what == "new-kpi":
        _append(_items(doc, "kpis"), _new(c.written, ("id", "policies", "name", "unit", "prefix", "direction",
                                                    "baseline", "target", "departments", "since", "ended"), fy))
        return
    items = doc["projects"] if what == "project" else doc["kpis"]
    item = next(i for i in items if str(i["id"]) == ident)
    if field == "ended":
        _ended(item, c.written and era.short(c.written, fy2019=era.NATIONAL))
    elif what == "kpi":
        _revise(item, fy, field, _value(field, c.written))
    elif field in ("name", "work"):
        listing = _listing(item, fy)
        if field == "name" and "name" not in listing:
            listing.insert(0, "name", _yaml_text(c.written))
        else:
            listing[field] = _yaml_text(c.written)
    else:
        item[field] = _value(field, c.written)
