"""Templates compiled once: per process in memory, between processes through Jinja's bytecode cache."""
from jinja2 import Environment

from reportgen.jinjacache import CompileOnce


def count_compiles(monkeypatch) -> list[str]:
    compiled = []
    real = Environment.compile

    def counting(self, source, *a, **k):
        compiled.append(source)
        return real(self, source, *a, **k)

    monkeypatch.setattr(Environment, "compile", counting)
    return compiled


def test_the_same_text_is_compiled_once_and_a_new_process_finds_its_bytecode(tmp_path, monkeypatch):
    compiled = count_compiles(monkeypatch)
    first = CompileOnce("t", cache_dir=str(tmp_path))
    assert first.from_string("{{ a }}-{{ b }}").render(a=1, b=2) == "1-2"
    assert first.from_string("{{ a }}-{{ b }}").render(a=3, b=4) == "3-4"
    assert len(compiled) == 1
    later = CompileOnce("t", cache_dir=str(tmp_path))  # what a new process builds
    assert later.from_string("{{ a }}-{{ b }}").render(a=5, b=6) == "5-6"
    assert len(compiled) == 1 and list(tmp_path.iterdir())


def test_environments_that_escape_differently_never_share_compiled_code(tmp_path):
    escaping = CompileOnce("docx", cache_dir=str(tmp_path), autoescape=True)
    plain = CompileOnce("labels", cache_dir=str(tmp_path), autoescape=False)
    assert escaping.from_string("{{ x }}").render(x="<小学生>") == "&lt;小学生&gt;"
    assert plain.from_string("{{ x }}").render(x="<小学生>") == "<小学生>"
    again = CompileOnce("labels", cache_dir=str(tmp_path), autoescape=True)  # same name, other options
    assert again.from_string("{{ x }}").render(x="<小学生>") == "&lt;小学生&gt;"


def test_a_long_lived_process_keeps_a_bounded_number_of_sources(tmp_path):
    env = CompileOnce("t", cache_size=4, cache_dir=str(tmp_path))
    for i in range(10):
        assert env.from_string(f"{i}{{{{ a }}}}").render(a="x") == f"{i}x"
    assert len(env.loader.by_name) <= 4
