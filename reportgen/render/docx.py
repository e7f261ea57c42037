"""Fill a docxtpl Word template with a context: every text escaped, line breaks kept, bytes fixed."""
from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate, Listing
from jinja2 import BaseLoader, Environment, FileSystemBytecodeCache

from ..package import CoreProps, normalise
from . import REFERENCE_PATHS

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


class _Sources(BaseLoader):
    """Template sources by the hash of their text, so that Jinja's caches can key them."""

    def __init__(self) -> None:
        self.by_name: dict[str, str] = {}

    def get_source(self, environment, name):
        return self.by_name[name], None, lambda: True


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    """Jinja's own cache of compiled templates (a private folder in the system's temporary
    directory, keyed and checked by the source's hash); none where that folder is unusable."""
    try:
        return FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


class _CompileOnce(Environment):
    """docxtpl compiles every part of a template again on each render (a third of a target list's
    time in the profile); the same source always compiles to the same template, so it is
    compiled once per process, and its bytecode kept between processes as Jinja provides."""

    def __init__(self) -> None:
        super().__init__(autoescape=True, loader=_Sources(), bytecode_cache=_bytecode_cache(), cache_size=64)

    def from_string(self, source, globals=None, template_class=None):
        if REFERENCE_PATHS or globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        name = hashlib.sha256(source.encode("utf-8")).hexdigest()
        sources = self.loader.by_name
        if name not in sources and len(sources) >= 64:  # a long-lived process with many templates: stay bounded
            sources.clear()
        sources[name] = source
        return self.get_template(name)


_ENV = _CompileOnce()


class _Template(DocxTemplate):
    """docxtpl's template, with the clean-up of the template's own XML (a dozen regular
    expressions over each part, a quarter of a target list's time) done once per source."""

    _patched: dict[str, str] = {}

    def patch_xml(self, src_xml):
        if REFERENCE_PATHS:
            return super().patch_xml(src_xml)
        out = self._patched.get(src_xml)
        if out is None:
            if len(self._patched) >= 64:
                self._patched.clear()
            out = self._patched[src_xml] = super().patch_xml(src_xml)
        return out


def render_docx(template: Path, context: dict, core: CoreProps) -> bytes:
    """Render `template` with `context` and return reproducible .docx bytes."""
    doc = _Template(str(template))
    # autoescape also covers any value that is not a plain string (numbers, booleans)
    doc.render(_prepare(context), _ENV, autoescape=True)
    buf = io.BytesIO()
    doc.save(buf)
    return normalise(buf.getvalue(), core)
