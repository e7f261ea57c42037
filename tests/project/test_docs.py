"""The documentation keeps up with the code: every data field is documented, the Quick start has two commands."""
import re

from support import ROOT

from reportgen.model import measures, scalars, schema
from reportgen.rules.typed import Record


def model_classes():
    # the records of every data file: model/schema.py's and model/measures.py's (model/scalars.py holds their base)
    return list(dict.fromkeys(c for module in (scalars, schema, measures) for c in vars(module).values()
                              if isinstance(c, type) and issubclass(c, Record) and c not in (Record, scalars.Model)))


def entries(doc: str) -> set[str]:
    """The keys docs/data.md gives an entry: a table row or bullet that starts with the key, or a
    line of a YAML example that sets the key and says what it is in a comment. A key merely
    mentioned in prose, or set in an example without a word on it, has no entry."""
    keys = set(re.findall(r"^\|\s*`([a-z_][a-z_0-9]*)", doc, re.M))                # | `key` … |, | `key: …` |
    keys |= set(re.findall(r"^\s*[-*]\s*`([a-z_][a-z_0-9]*)", doc, re.M))          # - `key` …
    keys |= set(re.findall(r"^\s*-?\s*([a-z_][a-z_0-9]*):[^\n#]*#", doc, re.M))     # key: value   # what it is
    for row in re.findall(r"^\|\s*(`[a-z_][a-z_0-9]*`(?:,\s*`[a-z_][a-z_0-9]*`)+)", doc, re.M):
        keys |= set(re.findall(r"`([a-z_][a-z_0-9]*)`", row))                        # | `from`, `to` | …
    return keys


def undocumented(doc: str) -> list[str]:
    keys = entries(doc)
    return sorted({f"{cls.__name__}.{fi.alias or name}" for cls in model_classes()
                   for name, fi in cls.model_fields.items() if (fi.alias or name) not in keys})


def test_every_field_of_every_data_file_is_documented_in_docs_data_md():
    assert undocumented((ROOT / "docs" / "data.md").read_text(encoding="utf-8")) == []


def test_a_deleted_entry_is_missed():
    """Deleting one key's entry (its table row, or its commented example line) fails the check above."""
    doc = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    without_row = "\n".join(l for l in doc.splitlines() if not l.startswith("| `means_zero`"))
    assert undocumented(without_row) == ["Figure.means_zero"]
    without_line = "\n".join(l for l in doc.splitlines() if not l.startswith("planning_office:"))
    assert undocumented(without_line) == ["City.planning_office"]


def test_the_quick_start_holds_exactly_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"^## Quick start.*?^```[^\n]*\n(.*?)^```", text, re.S | re.M).group(1)
    commands = [l for l in block.splitlines() if l.strip() and not l.strip().startswith("#")]
    assert len(commands) == 2 and "generate.py" in commands[0] and "pytest" in commands[1]
