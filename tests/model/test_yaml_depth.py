"""Deep or aliased YAML (issue 24, item 5; SYNTHETIC files): the nesting limited on the parser's events
before anything is built, and labels files read with the data's strict reader, each refused with its line."""
import subprocess
import sys

from support import ROOT

from reportgen.model.yamlsrc import MAX_DEPTH

GENERATE = [sys.executable, str(ROOT / "generate.py")]
# nine lists of nine, each an alias of the last: 9**9 strings once expanded, under a key the shipped
# file has (rating_legend is a list), as a data folder's labels file may override it
LAUGHS = ("rating_legend: [&a [l,l,l,l,l,l,l,l,l], "
          + ", ".join(f"&{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]" for p, c in zip("abcdefgh", "bcdefghi"))
          + ", \"{{ x }}\"]\n")


def check(data) -> subprocess.CompletedProcess:
    # a process of its own: without the guards these crash the interpreter or run for minutes (the
    # timeout only ends the test then, it measures nothing)
    return subprocess.run([*GENERATE, "check", "--data", str(data)], capture_output=True, text=True, cwd=ROOT, timeout=300)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_a_value_nested_1000_deep_is_refused_at_its_line(data_copy):
    city = data_copy / "city.yaml"
    lines = city.read_text(encoding="utf-8").splitlines()
    city.write_text("\n".join(lines + [f"note: {nested(1000)}"]) + "\n", encoding="utf-8")
    proc = check(data_copy)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    where = f"{len(lines) + 1}:{6 + MAX_DEPTH}:"  # the bracket one level too deep (the file's mapping is the first)
    assert any(line.startswith(f"{data_copy / 'city.yaml'}:{where}") and f"{MAX_DEPTH} 段を超えています" in line
               for line in proc.stderr.splitlines()), proc.stderr


def test_a_value_nested_100000_deep_does_not_crash_the_process(data_copy):
    (data_copy / "departments.yaml").write_text(f"x: {nested(100_000)}\n", encoding="utf-8")
    proc = check(data_copy)
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-2000:])  # not -11 (SIGSEGV)
    assert f"departments.yaml:1:{3 + MAX_DEPTH}:" in proc.stderr and "Traceback" not in proc.stderr


def test_a_labels_file_of_nested_aliases_is_refused_at_its_first_anchor(data_copy):
    own = data_copy / "templates"
    own.mkdir()
    (own / "kpi_trend.labels.yaml").write_text(LAUGHS, encoding="utf-8")
    assert len(LAUGHS.encode()) < 400
    proc = check(data_copy)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert f"{data_copy.as_posix()}/templates/kpi_trend.labels.yaml:1:17: rating_legend[1件目]: YAML として読めません（anchors and aliases" \
           in proc.stderr, proc.stderr


def test_a_labels_file_nested_too_deep_is_refused_at_its_line(data_copy):
    own = data_copy / "templates"
    own.mkdir()
    (own / "kpi_trend.labels.yaml").write_text(f"title: {nested(1000)}\n", encoding="utf-8")
    proc = check(data_copy)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert f"templates/kpi_trend.labels.yaml:1:{7 + MAX_DEPTH}: title[1件目]" in proc.stderr and "YAML として読めません（nested too deeply" in proc.stderr, proc.stderr
