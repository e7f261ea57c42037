"""A chart's picture in a workbook's publication copy: drawn once a process for the same series, and a new one for
anything the picture shows that differs (chartpicture keeps the pictures it drew)."""
from __future__ import annotations

import copy

from reportgen.render.chartpicture import draw

CHART = {"title": "3-③ 学童保育室待機児童数", "unit": "人", "categories": ["R2", "R3", "R4", "R5", "R6"],
         "series": [("実績", [103, 60, 41, None, 35]), ("基準値", [103] * 5), ("目標値", [0] * 5)],
         "row": 4, "alt": "3-③ 学童保育室待機児童数"}


def test_the_same_series_give_the_same_picture_and_any_shown_difference_a_new_one():
    first = draw(CHART)
    assert first[:8] == b"\x89PNG\r\n\x1a\n" and draw(copy.deepcopy(CHART)) == first
    assert draw(CHART | {"row": 40, "alt": "another place, the same picture"}) == first  # not drawn: placed
    changed = {
        "title": CHART | {"title": "3-④ 放課後児童クラブ数"},
        "unit": CHART | {"unit": "か所"},
        "categories": CHART | {"categories": ["H28", "R3", "R4", "R5", "R6"]},
        "a value": CHART | {"series": [("実績", [103, 60, 41, 20, 35]), *CHART["series"][1:]]},
        "a series' name": CHART | {"series": [("実績値", CHART["series"][0][1]), *CHART["series"][1:]]},
    }
    assert [what for what, chart in changed.items() if draw(chart) == first] == []
