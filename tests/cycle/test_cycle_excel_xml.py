"""The office's registry and the pledge progress form as Excel on Windows saves them (tests/excelwrite.py,
SYNTHETIC: every text in the shared strings table, a carriage return as _x000D_, IME furigana runs),
collected like the department forms."""
from __future__ import annotations

import yaml
from excelwrite import Rich, excel_save
from registry_helpers import issue

from reportgen.archive.build import build
from reportgen.cli import main
from reportgen.cycle.pledges import open_pledge_list
from reportgen.model.loader import load
from reportgen.rules.era import parse_fy

PLEDGE_FORM = "2024_R6/forms/市長公約進捗状況記入票_令和7年3月末_企画課.xlsx"


def collect(capsys, data, *files) -> tuple[int, str, str]:
    code = main(["collect", *map(str, files), "--data", str(data)])
    got = capsys.readouterr()
    return code, got.out, got.err


def test_a_registry_row_added_in_excel_with_furigana_is_registered_without_it(data_copy, tmp_path, capsys):
    sent = issue(data_copy, "R7", tmp_path / "sent" / "登録簿.xlsx")
    # sheet 事業, a spare row: 事業名 typed through the IME (a run with its reading), 事業内容 on two lines
    saved = excel_save(sent, tmp_path / "excel.xlsx", {"new:1": {
        "C": Rich((("市内回遊", "しないかいゆう"), ("促進事業", "そくしんじぎょう"))),
        "D": "商店街と観光拠点を結ぶ回遊イベントを実施する。", "E": "4-2", "F": "商工観光課"}})
    code, out, err = collect(capsys, data_copy, saved)
    assert code == 0, err
    assert "s2-001 市内回遊促進事業 / 新規登録（ID）: （空） → s2-001" in out
    projects = yaml.safe_load((data_copy / "strategies/2/projects.yaml").read_text(encoding="utf-8"))["projects"]
    assert [(p["id"], p["name"], p["policy"], p["departments"]) for p in projects] == [
        ("s2-001", "市内回遊促進事業", "4-2", ["商工観光課"])]


def test_pledge_lines_typed_with_alt_enter_in_excel_become_one_line_each(data_copy, tmp_path, capsys):
    open_pledge_list(data_copy, "2025-03")
    out = tmp_path / "out"
    build(data_copy, out, years=[parse_fy("R6")])
    before = load(data_copy).pledge_lists[-1].chapters[0].pledges[0].items[0]
    typed = "\r\n".join([*before.progress, "●令和7年3月に第2期DX推進計画を策定"])  # Excel: _x000D_ before each \n
    saved = excel_save(out / PLEDGE_FORM, tmp_path / "excel.xlsx", {"pledge:1:1": {"F": typed, "G": "B"}})
    code, report, err = collect(capsys, data_copy, saved)
    assert code == 0, err
    assert "公約1 ①デジタル未来都市推進部門の設置 / 評価: A → B" in report
    doc = yaml.safe_load((data_copy / "pledges/2025-03.yaml").read_text(encoding="utf-8"))
    item = doc["chapters"][0]["pledges"][0]["items"][0]
    assert item["progress"] == [*before.progress, "●令和7年3月に第2期DX推進計画を策定"]
    assert item["status"] == "B"
