"""Shortcuts around Jinja's compiler: each template text compiled once per process, its bytecode kept
between processes, and text transformations remembered the same way."""
from __future__ import annotations

import hashlib
import os
import tempfile
from typing import Callable

from jinja2 import BaseLoader, Environment, FileSystemBytecodeCache

from . import on


class _Sources(BaseLoader):
    """Template sources by the hash of their text, so that Jinja's caches can key them."""

    def __init__(self, limit: int) -> None:
        self.by_name: dict[str, str] = {}
        self.limit = limit

    def get_source(self, environment, name):
        return self.by_name[name], None, lambda: True


def _bytecode_cache(directory: str | None = None) -> FileSystemBytecodeCache | None:
    """Jinja's own cache of compiled templates (by default a private folder in the system's temporary
    directory, keyed and checked by the source's hash); none where that folder is unusable."""
    if not on("bytecode"):
        return None
    try:
        return FileSystemBytecodeCache(directory)
    except (OSError, RuntimeError):
        return None


class CompileOnce(Environment):
    """`from_string` without compiling the same text twice: Jinja compiles on every call, and
    compiling is most of what a template costs the first time (profile). The same source always
    compiles to the same template, so it is looked up by the hash of its text, in memory and then
    in Jinja's bytecode cache, which a new process finds already filled.

    The bytecode cache keys a template by its name and source only, while options such as
    autoescape change the compiled code: `namespace` keeps each environment's templates apart.
    """

    def __init__(self, namespace: str, cache_size: int = 64, cache_dir: str | None = None, **options) -> None:
        super().__init__(loader=_Sources(cache_size), bytecode_cache=_bytecode_cache(cache_dir), cache_size=cache_size,
                         **options)
        self.namespace = f"reportgen-{namespace}-" + hashlib.sha256(repr(sorted(options.items())).encode()).hexdigest()[:16]

    def from_string(self, source, globals=None, template_class=None):
        if not on("jinja"):  # Jinja's own way: compiled on every call
            return Environment.from_string(self, source, globals, template_class)
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        name = f"{self.namespace}/{hashlib.sha256(source.encode('utf-8')).hexdigest()}"
        sources = self.loader.by_name
        if name not in sources and len(sources) >= self.loader.limit:  # a long-lived process: stay bounded
            sources.clear()
        sources[name] = source
        return self.get_template(name)


class TextMemo:
    """A pure function of a text, remembered in memory and in the bytecode cache's private folder,
    where a new process finds it (for work that costs more than reading a small file).

    `namespace` names the function and its version: a result is only ever found for the same
    function and the same text. Each file starts with the hash of its body and is put in place by
    a rename, so a result is read whole or not at all; a folder that cannot be used only costs the
    work again."""

    def __init__(self, namespace: str, fn: Callable[[str], str], cache_dir: str | None = None, limit: int = 64,
                 switch: str = "patch") -> None:
        self.namespace, self.fn, self.limit, self.switch = namespace, fn, limit, switch
        try:
            cache = FileSystemBytecodeCache(cache_dir)
        except (OSError, RuntimeError):
            cache = None
        self.directory = cache.directory if cache is not None else None
        self.memory: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        if not on(self.switch):
            return self.fn(text)
        out = self.memory.get(text)
        if out is None:
            out = self._stored(text)
            if len(self.memory) >= self.limit:  # a long-lived process: stay bounded
                self.memory.clear()
            self.memory[text] = out
        return out

    def _stored(self, text: str) -> str:
        if self.directory is None:
            return self.fn(text)
        path = os.path.join(self.directory, f"{self.namespace}-{hashlib.sha256(text.encode('utf-8')).hexdigest()}")
        try:
            with open(path, "rb") as f:
                digest, _, body = f.read().partition(b"\n")
            if hashlib.sha256(body).hexdigest().encode() == digest:
                return body.decode("utf-8")
        except OSError:
            pass
        out = self.fn(text)
        body = out.encode("utf-8")
        try:
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
                os.replace(tmp, path)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError:
            pass
        return out
