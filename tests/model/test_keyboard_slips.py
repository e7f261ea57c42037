"""Japanese-keyboard slips in the data files (issue 25, items 6 and 10): what NFKC gives one meaning is read,
the rest is named on its own line, in Japanese; never an English YAML error."""
from __future__ import annotations

import pytest

from formfill import fill

from reportgen.cli import main
from reportgen.cli.init import init
from reportgen.model.loader import load

KPIS = "strategies/1/kpis.yaml"


@pytest.fixture()
def town(tmp_path, monkeypatch):
    monkeypatch.delenv("REPORTGEN_LANG", raising=False)
    init(tmp_path / "town", "安平町")
    return tmp_path / "town" / "data"


def edit(data, old: str, new: str) -> None:
    path = data / KPIS
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(data, text: str) -> int:
    return next(n for n, line in enumerate((data / KPIS).read_text(encoding="utf-8").split("\n"), 1) if text in line)


def check(capsys, data) -> tuple[int, list[str]]:
    code = main(["check", "--data", str(data)])
    return code, capsys.readouterr().err.splitlines()


def test_full_width_digits_and_a_full_width_colon_have_one_meaning_and_are_read(capsys, town):
    edit(town, "      R7: 10,100人", "      R7: １０，１００人")
    edit(town, "    target: 年間15件", "    target：年間15件")
    code, err = check(capsys, town)
    assert (code, err) == (0, [])
    measures = load(town).strategies[0].measures
    assert [str(f.value) for f in measures.indicators[0].actuals.values()] == ["10,100人"]
    assert str(measures.kpis[0].target.value) == "年間15件"


def test_a_full_width_space_or_a_tab_in_the_indentation_is_named_on_its_line(capsys, town):
    edit(town, "    target: 10,500人 ", "　　target: 10,500人 ")
    edit(town, "    unit: 人\n", "\tunit: 人\n")
    code, err = check(capsys, town)
    assert code == 1
    where = f"{town}/{KPIS}"
    assert (f"{where}:{line_of(town, '　　target')}:1: 行頭に全角スペースがあります。字下げは半角スペースで書いてください"
            "（全角スペース 1 つが半角 1 つか 2 つかは決められません）") in err
    assert f"{where}:{line_of(town, chr(9) + 'unit')}:1: 行頭にタブ文字があります。字下げは半角スペースで書いてください" in err


def test_a_full_width_space_opening_a_paragraph_of_prose_is_the_writers_own(town):
    from reportgen.model.keyboard import mend
    text = "goals:\n  - name: 基本目標\n    note: |\n      　本市は、\n      　人口減少に\n    id: 1\n"
    assert mend(text) == (text, [])


def test_yaml_errors_are_told_in_japanese(capsys, town):
    edit(town, "    unit: 人\n", "    unit: 人: 人\n")
    code, err = check(capsys, town)
    assert code == 1
    assert err[0].endswith(f":{line_of(town, 'unit: 人: 人')}:12: YAML として読めません: ここには「項目: 値」を書けません"
                           "（字下げを確かめてください。値に「: 」を含めるなら引用符 \" \" で囲みます）")
    code = main(["check", "--data", str(town), "--lang", "en"])
    assert "mapping values are not allowed in this context" in capsys.readouterr().err


def test_a_refused_figure_names_its_full_width_letter(capsys, town):
    edit(town, "      R7: 10,100人", "      R7: １０Ｏ００人")
    code, err = check(capsys, town)
    assert code == 1
    assert "（全角の文字「Ｏ」があります。半角で書いてください）が必要です。書かれていた値: '１０Ｏ００人'" in err[0]


def test_a_figure_is_quoted_back_as_written_and_an_empty_value_in_words(capsys, town):
    edit(town, "    target: 10,500人 ", "    target: 3,400 ")
    code, err = check(capsys, town)
    assert code == 1
    assert err[0].endswith("indicators[1件目].target: 単位 人 の数値（例: 1,234人）が必要です。書かれていた値: '3,400'")
    edit(town, "    target: 3,400 ", "    target: 10,500人 ")
    edit(town, "    target: 年間15件", "    target:")
    code, err = check(capsys, town)
    assert err[0].endswith("kpis[1件目].target: 目標値（例: 270件, 2.0%以内, 基準値, 基準値以上, 現状値以上, 現状維持, {state: 調整中}, "
                           "{value: 5.9‰, year: 平成31年}, {value: 610人, remark: 期間平均}）が必要です。値が書かれていません")
    assert "nothing" not in "\n".join(err)
    edit(town, "    target:\n", "    target: {年間: 15件}\n")  # a mapping where one value goes: named in Japanese
    code, err = check(capsys, town)
    assert err[0].endswith("が必要です。書かれていた値: 「項目: 値」の組") and "a mapping" not in "\n".join(err)


def test_a_missing_baseline_says_how_to_write_none(capsys, town):
    edit(town, "    baseline:\n      value: 年間10件\n      as_of: R6\n", "")
    code, err = check(capsys, town)
    assert code == 1
    assert err[0].endswith("kpis[1件目]: 必須の項目 baseline がありません（基準値がまだない新しい KPI なら baseline: {none: 新規} と書きます）")


def test_a_full_width_decimal_collected_is_written_like_its_neighbours(data_copy, tmp_path, capsys, monkeypatch):
    # issue 25 item 10: ０．２１０ typed in a form was stored quoted ('0.210') beside R4: 0.164
    monkeypatch.setenv("REPORTGEN_NOW", "2026-04-06T09:00:00+09:00")
    out = tmp_path / "out"
    assert main(["open", "R7", "--data", str(data_copy), "--out", str(out)]) == 0
    form = fill(out / "sent/2025_R7/KPI実績値等入力表_令和7年度_教育総務課.xlsx", tmp_path / "教育総務課.xlsx", {"kpi:3-⑤": {6: "０．２１０"}})
    assert main(["collect", str(form), "--data", str(data_copy)]) == 0
    assert "（空） → 0.210" in capsys.readouterr().out
    text = (data_copy / "strategies/2/kpis.yaml").read_text(encoding="utf-8")
    assert "      R6: 0.206\n      R7: 0.210\n" in text
