"""Compiled templates kept between processes (sandbox.compiled): read back, never mixed up, never a failed build.

Each test points Python's temporary directory at its own folder, where Jinja makes its cache.
"""
from __future__ import annotations

import sys
import tempfile

import pytest
from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import bc_magic

from reportgen.render.docx import ENV as WORD
from reportgen.templating import sandbox

SOURCE = "<w:t>{{ x }}</w:t>{% for i in items %}<w:t>{{ i }}</w:t>{% endfor %}"
CONTEXT = {"x": "R&D <研究>", "items": ["a<b", "c&d"]}
ESCAPED = "<w:t>R&amp;D &lt;研究&gt;</w:t><w:t>a&lt;b</w:t><w:t>c&amp;d</w:t>"


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    """The cache folder Jinja makes in this test's own temporary directory (written even where the
    shell sets PYTHONDONTWRITEBYTECODE), and a count of the compiles of each environment."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    sandbox._bytecode_cache.cache_clear()
    compiles = {"word": 0, "labels": 0}
    labels_env = sandbox.environment(autoescape=False)
    for name, env in (("word", WORD), ("labels", labels_env)):
        original = env.compile

        def counted(source, *args, _name=name, _original=original, **kwargs):
            compiles[_name] += 1
            return _original(source, *args, **kwargs)

        monkeypatch.setattr(env, "compile", counted)
    yield {"compiles": compiles, "labels_env": labels_env, "tmp": tmp_path}
    sandbox._bytecode_cache.cache_clear()


def files(tmp) -> list:
    return sorted(tmp.glob("_jinja2-cache-*/reportgen-*.cache"))


def test_a_template_compiled_once_is_read_back_and_renders_the_same_escaped_text(cache):
    first = sandbox.compiled(WORD, "word", SOURCE)
    again = sandbox.compiled(WORD, "word", SOURCE)  # as a fresh process asks: from the file
    assert cache["compiles"]["word"] == 1
    assert len(files(cache["tmp"])) == 1
    assert first.render(CONTEXT) == again.render(CONTEXT) == ESCAPED


def test_each_environment_keeps_its_own_code(cache):
    """Autoescape is compiled in: a labels string must not run the Word environment's code."""
    assert sandbox.compiled(WORD, "word", "{{ x }}").render(x="<") == "&lt;"
    assert sandbox.compiled(cache["labels_env"], "labels", "{{ x }}").render(x="<") == "<"
    assert cache["compiles"] == {"word": 1, "labels": 1}


def test_a_changed_template_is_compiled_anew(cache):
    sandbox.compiled(WORD, "word", SOURCE)
    changed = sandbox.compiled(WORD, "word", SOURCE.replace("<w:t>{{ x }}", "<w:t>件名: {{ x }}"))
    assert changed.render(CONTEXT).startswith("<w:t>件名: R&amp;D")
    assert cache["compiles"]["word"] == 2


@pytest.mark.parametrize("damage", [
    lambda data: data[:len(data) // 2],                             # cut short in the code
    lambda data: data[:len(bc_magic) + 5],                          # cut short in the source's hash
    lambda data: bc_magic + b"\xff" * (len(data) - len(bc_magic)),  # Jinja's header, then nonsense
    lambda data: b"\x00" * len(data),                               # overwritten
], ids=["code cut", "hash cut", "nonsense", "zeros"])
def test_a_damaged_cache_file_is_compiled_anew_and_written_again(cache, damage):
    sandbox.compiled(WORD, "word", SOURCE)
    (path,) = files(cache["tmp"])
    path.write_bytes(damage(path.read_bytes()))
    assert sandbox.compiled(WORD, "word", SOURCE).render(CONTEXT) == ESCAPED
    assert sandbox.compiled(WORD, "word", SOURCE).render(CONTEXT) == ESCAPED
    assert cache["compiles"]["word"] == 2  # the damaged file once, then the rewritten one read


def test_a_cache_that_cannot_be_written_only_costs_a_compile(cache, monkeypatch):
    def full(self, bucket):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileSystemBytecodeCache, "dump_bytecode", full)
    assert sandbox.compiled(WORD, "word", SOURCE).render(CONTEXT) == ESCAPED
    assert sandbox.compiled(WORD, "word", SOURCE).render(CONTEXT) == ESCAPED
    assert cache["compiles"]["word"] == 2
    assert files(cache["tmp"]) == []


def test_no_cache_where_no_folder_can_be_made(cache, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(cache["tmp"] / "missing"))
    sandbox._bytecode_cache.cache_clear()
    assert sandbox.compiled(WORD, "word", SOURCE).render(CONTEXT) == ESCAPED
    assert not (cache["tmp"] / "missing").exists()


def test_nothing_is_written_where_python_writes_no_bytecode(cache, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert sandbox.compiled(WORD, "word", SOURCE).render(CONTEXT) == ESCAPED
    assert files(cache["tmp"]) == []


def test_code_read_back_runs_in_the_sandbox(cache):
    """What the cache holds is run by the sandboxed environment: a computed name reaching Python's
    internals is refused from the file as it is when compiled."""
    attack = "{{ cycler[('__in' ~ 'it__')][('__glo' ~ 'bals__')] }}"
    for _ in range(2):
        with pytest.raises(sandbox.SecurityError):
            sandbox.compiled(WORD, "word", attack).render()
    assert cache["compiles"]["word"] == 1
