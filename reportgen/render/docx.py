"""Fill a docxtpl Word template with a context: every text escaped, line breaks kept, bytes fixed."""
from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate, Listing

from reportgen.ooxml.package import CoreProps, normalise
from reportgen.rules.problems import DataError
from reportgen.templating.sandbox import SecurityError, environment, refused

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


# The Jinja environment of every Word template: a template is untrusted (a data folder's, an
# archive's), so it runs in the immutable sandbox; strict: a name the context lacks (a misspelt
# tag) fails the render instead of printing nothing
_ENV = environment(autoescape=True)


def render_docx(template: Path, context: dict, core: CoreProps) -> bytes:
    """Render `template` with `context` and return reproducible .docx bytes.

    What the sandbox refuses (`check` refuses it before; this is for what only shows when it runs,
    an attribute name the template computes) is a located problem naming the template."""
    context = _prepare(context)
    doc = DocxTemplate(str(template))
    try:
        doc.render(context, _ENV, autoescape=True)  # autoescape also covers numbers and booleans
    except SecurityError as exc:
        raise DataError([refused(str(template), exc)]) from None
    buf = io.BytesIO()
    doc.save(buf)
    return normalise(buf.getvalue(), core)

