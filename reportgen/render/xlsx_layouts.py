"""Every workbook layout by name: the table the dispatcher finds a workbook's builder in."""
from __future__ import annotations

from typing import Callable

from openpyxl import Workbook

from reportgen.render.xlsx import evaluation_table, kpi_trend, pledge_list
from reportgen.render.xlsx_forms import evaluation_form, kpi_form
from reportgen.render.xlsx_pledge_form import pledge_form
from reportgen.render.xlsx_registry import registry
from reportgen.render.xlsx_values import value_tables

LAYOUTS: dict[str, Callable[..., Workbook]] = {  # each called (context, templates=…)
    "pledge_list": pledge_list,
    "evaluation_table": evaluation_table,
    "evaluation_form": evaluation_form,
    "kpi_trend": kpi_trend,
    "kpi_form": kpi_form,
    "registry": registry,
    "value_tables": value_tables,
    "pledge_form": pledge_form,
}
