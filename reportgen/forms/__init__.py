"""The department-form round trip: layout, identity, reading, checking with the model's rules, merging, write-back."""
from __future__ import annotations

from .identity import (CHUNK, FORMAT, IDENTITY_SHEET, build_id, dataset_id, digest, evaluation_values, identity,
                       identity_chunks, row_text)
from .layout import COLUMNS, EVALUATION, FIELDS, KPI, columns_record, kpi_columns, measure_key, parse_measure_key, sub_key

EVALUATION_FIELDS = FIELDS[EVALUATION]
KPI_FIELDS = FIELDS[KPI]

__all__ = ["CHUNK", "COLUMNS", "columns_record", "kpi_columns", "EVALUATION", "EVALUATION_FIELDS", "FORMAT", "IDENTITY_SHEET", "KPI", "KPI_FIELDS", "build_id",
           "dataset_id", "digest", "evaluation_values", "identity", "identity_chunks", "measure_key", "row_text",
           "parse_measure_key", "sub_key"]
