"""What a form is: each kind's columns and row keys, and its identity (what issued it, for whom, sent with what)."""
from __future__ import annotations

from reportgen.forms.identity import (
           CHUNK,
           FORMAT,
           IDENTITY_SHEET,
           build_id,
           dataset_id,
           digest,
           evaluation_values,
           identity,
           identity_chunks,
           row_text,
)
from reportgen.forms.layout import (
           COLUMNS,
           EVALUATION,
           FIELDS,
           KPI,
           columns_record,
           kpi_columns,
           measure_key,
           parse_measure_key,
           sub_key,
)

EVALUATION_FIELDS = FIELDS[EVALUATION]
KPI_FIELDS = FIELDS[KPI]

__all__ = ["CHUNK", "COLUMNS", "columns_record", "kpi_columns", "EVALUATION", "EVALUATION_FIELDS", "FORMAT", "IDENTITY_SHEET", "KPI", "KPI_FIELDS", "build_id",
           "dataset_id", "digest", "evaluation_values", "identity", "identity_chunks", "measure_key", "row_text",
           "parse_measure_key", "sub_key"]
