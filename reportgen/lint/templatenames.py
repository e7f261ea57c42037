"""Which names a Jinja template uses that its real contexts do not provide (static, every branch)."""
from __future__ import annotations

import difflib
from typing import Callable

from jinja2 import Environment, nodes

from reportgen.rules.problems import Msg
from reportgen.templating.sandbox import ATTRIBUTE_FILTERS, refused_attribute


class Shape:
    """What the real contexts hold at one place of a template's context: the keys of the mappings
    seen there, the shape of the items of the lists seen there, and the types of the values.

    Worked out lazily from the values themselves, so only the places a template looks at are
    walked (a trend sheet's context holds thousands of values no label ever names)."""

    __slots__ = ("values", "_keys", "_elem", "_types")

    def __init__(self, values: list) -> None:
        self.values = values
        self._keys: dict[str, Shape] | None | bool = False
        self._elem: Shape | None | bool = False
        self._types: set[type] | None = None

    @property
    def types(self) -> set[type]:
        if self._types is None:
            self._types = {type(v) for v in self.values}
        return self._types

    @property
    def keys(self) -> dict[str, Shape] | None:
        """Each key any of the mappings here has (None: no mapping is here)."""
        if self._keys is False:
            found: dict[str, list] | None = None
            for v in self.values:
                if isinstance(v, dict):
                    if found is None:
                        found = {}
                    for k, item in v.items():
                        found.setdefault(k, []).append(item)
            self._keys = None if found is None else {k: Shape(vs) for k, vs in found.items()}
        return self._keys

    @property
    def elem(self) -> Shape | None:
        """The shape of every item of the lists here (None: no list here has an item)."""
        if self._elem is False:
            items = [item for v in self.values if isinstance(v, (list, tuple)) for item in v]
            self._elem = Shape(items) if items else None
        return self._elem

    @classmethod
    def literal(cls, keys: dict[str, Shape | None] | None) -> Shape:
        """A mapping the template writes itself (`{% set labels = {'A': …} %}`)."""
        shape = cls([])
        shape._types, shape._keys, shape._elem = {dict}, keys, None
        return shape


# What an attribute the sandbox refuses gives: nothing more is reported along its chain.
_REFUSED = Shape([])


def shape_of(values: list) -> Shape | None:
    """The shape of every value given (None when there is none: nothing can be checked)."""
    return Shape(list(values)) if values else None


# Tests and filters that exist to look at a name that may be missing: never an unknown name.
_GUARDS = {"defined", "undefined"}
_DEFAULTS = {"default", "d"}

Report = Callable[[int, str, str, list[str], str], None]  # (line, what, name, the names known there, "name"/"filter"/"test"/"unsafe"/"load")


class NameCheck:
    """Walk a parsed template; report each name, attribute or key its contexts (`root`) lack, each
    unknown filter and test, and each attribute the sandbox the renderers run in refuses (a private
    or dunder name, Python's internals, a method that changes the data: "unsafe"), known shape or
    not. Names bound by the template (for, set, macro, with) are its own; where the shape is
    unknown (a list empty in every context, a value the template computes) no name is reported
    unknown."""

    def __init__(self, env: Environment, root: Shape | None, report: Report) -> None:
        # root None: the contexts are not known (the data could not be read): only what the sandbox refuses
        self.env, self.root, self.report = env, root, report

    def run(self, template: nodes.Template) -> None:
        self.block(template.body, {})

    # -- statements
    def block(self, body: list, scope: dict) -> None:
        for node in body:
            self.stmt(node, scope)

    def stmt(self, node: nodes.Node, scope: dict) -> None:
        if isinstance(node, (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
            # the renderers' environments have no loader: another file is never read (Jinja would fail with a traceback)
            tag = {nodes.Include: "include", nodes.Import: "import", nodes.FromImport: "from … import",
                   nodes.Extends: "extends"}[type(node)]
            self.report(node.lineno, tag, tag, [], "load")
            return
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.expr(child, scope)
        elif isinstance(node, nodes.For):
            it = self.expr(node.iter, scope)
            inner = {**scope, "loop": None}
            self.bind(node.target, it.elem if it is not None else None, inner)
            if node.test is not None:
                self.expr(node.test, inner)
            self.block(node.body, inner)
            self.block(node.else_, scope)
        elif isinstance(node, nodes.If):
            self.expr(node.test, scope)
            self.block(node.body, scope)
            for elif_ in node.elif_:
                self.stmt(elif_, scope)
            self.block(node.else_, scope)
        elif isinstance(node, nodes.Assign):
            self.bind(node.target, self.expr(node.node, scope), scope)
        elif isinstance(node, nodes.AssignBlock):
            self.block(node.body, scope)
            self.bind(node.target, None, scope)
        elif isinstance(node, (nodes.Macro, nodes.CallBlock)):
            if isinstance(node, nodes.CallBlock):
                self.expr(node.call, scope)
            else:
                scope[node.name] = None
            inner = {**scope, "varargs": None, "kwargs": None, "caller": None}
            for arg in node.args:
                self.bind(arg, None, inner)
            for default in node.defaults:
                self.expr(default, scope)
            self.block(node.body, inner)
        elif isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values):
                self.bind(target, self.expr(value, scope), inner)
            self.block(node.body, inner)
        else:  # filter blocks, scopes, anything else: their expressions, then their statements
            for child in node.iter_child_nodes():
                if isinstance(child, nodes.Expr):
                    self.expr(child, scope)
                else:
                    self.stmt(child, scope)

    def bind(self, target: nodes.Node, shape: Shape | None, scope: dict) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = shape
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, None, scope)

    # -- expressions: each returns the shape of its value, None where unknown
    def expr(self, node: nodes.Node, scope: dict) -> Shape | None:
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            if self.root is None:
                return None
            keys = self.root.keys or {}
            if node.name in keys:
                return keys[node.name]
            if node.name not in self.env.globals:
                self.report(node.lineno, node.name, node.name, sorted(keys), "name")
            return None
        if isinstance(node, nodes.Getattr):
            base = self.expr(node.node, scope)
            if base is _REFUSED:  # reported once, where the chain is first refused
                return base
            # the sandbox looks an attribute up first: `row.update` is dict.update even where row has a key "update"
            if refused_attribute(node.attr, base.types if base is not None else None):
                self.report(node.lineno, _spelt(node), node.attr, [], "unsafe")
                return _REFUSED
            return self.member(base, node.attr, node)
        if isinstance(node, nodes.Getitem):
            base = self.expr(node.node, scope)
            if base is _REFUSED:
                return base
            arg = node.arg
            if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
                # an item first, then the attribute of that name: refused where no such key is known
                known_key = base is not None and base.keys is not None and arg.value in base.keys
                if not known_key and refused_attribute(arg.value, base.types if base is not None else set()):
                    self.report(node.lineno, _spelt(node), arg.value, [], "unsafe")
                    return _REFUSED
                return self.member(base, arg.value, node)
            self.expr(arg, scope)
            return base.elem if base is not None and not isinstance(arg, nodes.Slice) else base
        if isinstance(node, nodes.Filter):
            if node.name not in self.env.filters:
                self.report(node.lineno, node.name, node.name, sorted(self.env.filters), "filter")
            if node.name in ATTRIBUTE_FILTERS:  # attr('__class__'), map(attribute='__init__.__globals__')
                self.attribute_names(node)
            if node.node is not None and node.name not in _DEFAULTS:
                self.expr(node.node, scope)
            self.args(node, scope)
            return None
        if isinstance(node, nodes.Test):
            if node.name not in self.env.tests:
                self.report(node.lineno, node.name, node.name, sorted(self.env.tests), "test")
            if node.name not in _GUARDS:
                self.expr(node.node, scope)
            self.args(node, scope)
            return None
        if isinstance(node, nodes.Dict):
            keys: dict | None = {}
            for pair in node.items:
                value = self.expr(pair.value, scope)
                if isinstance(pair.key, nodes.Const) and isinstance(pair.key.value, str) and keys is not None:
                    keys[pair.key.value] = value
                else:
                    self.expr(pair.key, scope)
                    keys = None  # keys computed: any key may be there
            return Shape.literal(keys) if keys is not None else None
        for child in node.iter_child_nodes():
            self.expr(child, scope)
        return None

    def attribute_names(self, node: nodes.Filter) -> None:
        named = [a for a in node.args if isinstance(a, nodes.Const)]
        named += [kw.value for kw in node.kwargs if kw.key == "attribute" and isinstance(kw.value, nodes.Const)]
        for const in named:
            if not isinstance(const.value, str):
                continue
            for part in const.value.split("."):
                if refused_attribute(part, set()):  # its value unknown: the names refused on any value
                    self.report(node.lineno, f"{node.name}({const.value!r})", part, [], "unsafe")

    def args(self, node, scope: dict) -> None:
        for a in node.args:
            self.expr(a, scope)
        for kw in node.kwargs:
            self.expr(kw.value, scope)
        for dyn in (node.dyn_args, node.dyn_kwargs):
            if dyn is not None:
                self.expr(dyn, scope)

    def member(self, base: Shape | None, key: str, node: nodes.Node) -> Shape | None:
        """`base.key` or `base['key']`: Jinja looks for the attribute, then the item, or the reverse."""
        if base is None:
            return None
        if base.keys is not None and key in base.keys:
            return base.keys[key]
        if any(hasattr(t, key) for t in base.types):
            return None  # a method or attribute of the value itself (dict.get, str.upper, …)
        self.report(node.lineno, _spelt(node), key, sorted(base.keys or ()), "name")
        return None


def _spelt(node: nodes.Node) -> str:
    """`r.baseilne`, `headers['x']`: the expression as a person wrote it, roughly."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_spelt(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        arg = node.arg.value if isinstance(node.arg, nodes.Const) else "…"
        return f"{_spelt(node.node)}[{arg!r}]"
    return "…"


def unknown(what: str, name: str, known: list[str], kind: str, written: str, scope: Msg) -> Msg:
    """The message for an unknown name, filter or test in `written`, with the closest known one."""
    if kind == "load":
        return Msg(f"「{written}」: テンプレートから他のファイルは読めません（{what} は使えません）。",
                   f"\"{written}\": a template cannot read another file ({what} cannot be used)")
    if kind == "unsafe":
        return Msg(f"「{written}」の {what} は安全のため使えません（「_」で始まる名前、Python の内部の属性、"
                   "データを書き換えるメソッドは、テンプレートから使えません）。",
                   f"{what} in \"{written}\" is refused for safety (names starting with \"_\", Python's internal "
                   "attributes and methods that change the data cannot be used in a template)")
    near = suggestion(name, known)
    hint = (f" もしかして「{near}」？", f"; did you mean \"{near}\"?") if near else ("", "")
    if kind != "name":
        ja_kind = {"filter": "フィルター", "test": "テスト（is …）"}[kind]
        return Msg(f"「{written}」の{ja_kind} {name} は Jinja にありません。{hint[0]}",
                   f"no Jinja {kind} {name} in \"{written}\"{hint[1]}")
    shown = ", ".join(known[:12]) + (", …" if len(known) > 12 else "")
    return Msg(f"「{written}」の {what} は{scope.ja}にありません（ここで使える名前: {shown or 'なし'}）。{hint[0]}",
               f"unknown name {what} in \"{written}\" ({scope.en} has here: {shown or 'nothing'}){hint[1]}")


def suggestion(name: str, known: list[str]) -> str | None:
    """The known name closest to a misspelt one, if any is close."""
    found = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return found[0] if found else None
