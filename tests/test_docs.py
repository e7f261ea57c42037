"""The documentation keeps up with the code: every data field is documented, the Quick start has two commands."""
import re

from conftest import ROOT
from pydantic import BaseModel

from reportgen.model import schema as model


def model_classes():
    return [c for c in vars(model).values() if isinstance(c, type) and issubclass(c, BaseModel) and c is not model.Model]


def test_every_field_of_every_data_file_is_documented_in_docs_data_md():
    doc = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    keys = set(re.findall(r"^\s*-?\s*([a-z_][a-z_0-9]*):", doc, re.M)) | set(re.findall(r"`([a-z_][a-z_0-9]*)`", doc)) | set(re.findall(r"[{,]\s*([a-z_][a-z_0-9]*):", doc))
    missing = sorted({f"{cls.__name__}.{fi.alias or name}" for cls in model_classes()
                      for name, fi in cls.model_fields.items() if (fi.alias or name) not in keys})
    assert missing == []


def test_the_quick_start_holds_exactly_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"^## Quick start.*?^```[^\n]*\n(.*?)^```", text, re.S | re.M).group(1)
    commands = [l for l in block.splitlines() if l.strip() and not l.strip().startswith("#")]
    assert len(commands) == 2 and "generate.py" in commands[0] and "pytest" in commands[1]
