"""Templates compiled once: per process in memory, between processes through Jinja's bytecode cache."""
from jinja2 import Environment

from reportgen.fast.jinja import CompileOnce


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


def test_a_remembered_transformation_runs_once_and_a_new_process_reads_its_result(tmp_path):
    from reportgen.fast.jinja import TextMemo

    calls = []

    def shout(text):
        calls.append(text)
        return text.upper() + "！"

    first = TextMemo("shout-1", shout, cache_dir=str(tmp_path))
    assert first("入間<w:t>a</w:t>") == first("入間<w:t>a</w:t>") == "入間<W:T>A</W:T>！"
    later = TextMemo("shout-1", shout, cache_dir=str(tmp_path))  # what a new process builds
    assert later("入間<w:t>a</w:t>") == "入間<W:T>A</W:T>！" and len(calls) == 1
    other = TextMemo("shout-2", shout, cache_dir=str(tmp_path))  # another function (or version): its own results
    assert other("入間<w:t>a</w:t>") == "入間<W:T>A</W:T>！" and len(calls) == 2


def test_a_damaged_remembered_result_is_made_again_not_used(tmp_path):
    from reportgen.fast.jinja import TextMemo

    TextMemo("upper", str.upper, cache_dir=str(tmp_path))("abc")
    (stored,) = [p for p in tmp_path.iterdir() if p.name.startswith("upper-")]
    digest, _, body = stored.read_bytes().partition(b"\n")
    stored.write_bytes(digest + b"\n" + body[:-1] + b"X")  # a flipped byte
    assert TextMemo("upper", str.upper, cache_dir=str(tmp_path))("abc") == "ABC"
    stored.write_bytes(b"")  # an empty file
    assert TextMemo("upper", str.upper, cache_dir=str(tmp_path))("abc") == "ABC"


def test_a_folder_that_cannot_be_used_only_costs_the_work_again(tmp_path):
    from reportgen.fast.jinja import TextMemo

    calls = []

    def upper(text):
        calls.append(text)
        return text.upper()

    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    assert TextMemo("upper", upper, cache_dir=str(not_a_folder))("abc") == "ABC"
    assert TextMemo("upper", upper, cache_dir=str(not_a_folder))("abc") == "ABC"
    assert len(calls) == 2 and not_a_folder.read_text() == "x"
