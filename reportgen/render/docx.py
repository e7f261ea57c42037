"""Fill a docxtpl Word template with a context: every text escaped, line breaks kept, bytes fixed."""
from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate, Listing
from jinja2 import Environment, StrictUndefined

from reportgen.ooxml.package import CoreProps, normalise

# Characters XML 1.0 cannot hold; the model refuses them, this is the renderer's own guard.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _prepare(value: Any) -> Any:
    """Multi-line strings become Listings (escaped, `\\n` → line break); the rest stay str, which
    autoescape escapes, so templates can still compare them (`labels[it.status]`)."""
    if isinstance(value, str):
        value = _XML_INVALID.sub("", value)
        return Listing(value) if "\n" in value else value
    if isinstance(value, dict):
        return {k: _prepare(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_prepare(v) for v in value]
    return value


# The Jinja environment of every Word template.
# strict: a name the context lacks (a misspelt tag) fails the render instead of printing nothing
_ENV = Environment(autoescape=True, undefined=StrictUndefined)


# A text run that is one label and nothing else (`指標`, `○継続事業` of the labels file)
_LABEL_RUN = re.compile(r'<w:t xml:space="preserve">(\{\{ labels\.([a-z_]+) \}\})</w:t>')


class _Template(DocxTemplate):
    """docxtpl marks every text holding a tag `xml:space="preserve"`; a label that stands alone in
    its run and has no blank at either end is written as the fixed word it replaced was (`<w:t>指標`),
    so moving a word from the template into a labels file changes no byte of the document (the
    context's `plain_labels` names those words: a label whose run held a tag before keeps the mark)."""

    plain: frozenset[str] = frozenset()

    def patch_xml(self, src_xml: str) -> str:
        xml = super().patch_xml(src_xml)
        return _LABEL_RUN.sub(lambda m: f"<w:t>{m[1]}</w:t>" if m[2] in self.plain else m[0], xml)


def render_docx(template: Path, context: dict, core: CoreProps) -> bytes:
    """Render `template` with `context` and return reproducible .docx bytes."""
    labels, plain = context.get("labels"), context.get("plain_labels", ())
    context = _prepare(context)
    doc = _Template(str(template))
    if isinstance(labels, dict):  # the deliverable names the labels that replaced a fixed word
        doc.plain = frozenset(k for k in plain if isinstance(labels.get(k), str) and labels[k]
                              and labels[k] == labels[k].strip() and "\n" not in labels[k])
    doc.render(context, _ENV, autoescape=True)  # autoescape also covers numbers and booleans
    buf = io.BytesIO()
    doc.save(buf)
    return normalise(buf.getvalue(), core)
