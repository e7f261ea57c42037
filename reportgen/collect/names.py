"""The names collect's reports give each field and each kind of form, in Japanese and English."""
from __future__ import annotations

from reportgen.forms import layout
from reportgen.forms.registry_layout import REGISTRY
from reportgen.rules.problems import Msg

FIELD_LABELS = {"status": "状況", "done": "実施内容", "assessment": "評価・課題", "plan": "今後の方針", "memo": "メモ",
                "value": "実績値", "rating": "評価", "reason": "評価理由", "progress": "取組状況", "pledge_status": "評価",
                # the office's registry (reportgen.collect.registry_collect)
                "name": "名称", "description": "事業内容", "policy": "施策", "policies": "施策", "departments": "担当課",
                "first_year": "開始年度", "work": "取組内容", "ended": "廃止", "unit": "単位", "prefix": "接頭語",
                "direction": "方向", "baseline": "基準値", "target": "目標値", "new": "新規登録（ID）", "id": "ID"}


KIND_LABELS = {layout.EVALUATION: Msg(ja="実施事業評価等入力表", en="evaluation form"),
               layout.KPI: Msg(ja="KPI実績値等入力表", en="KPI form"),
               REGISTRY: Msg(ja="事業・KPI登録簿", en="registry"),
               layout.PLEDGE: Msg(ja="市長公約進捗状況記入票", en="pledge progress form")}
