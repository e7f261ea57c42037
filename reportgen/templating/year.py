"""The year being built, handed to every context and renderer: its fiscal year, FY2019's name, stamp, folder, template set."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone

from reportgen.rules import era
from reportgen.rules.era import FiscalYear
from reportgen.templating.templateset import TemplateSet


@dataclass(frozen=True)
class YearSettings:
    """How one fiscal year's documents are written, made once by the code that builds the year
    (archive, cycle, lint) and passed down explicitly: no context or renderer reads a setting from
    anywhere else, so two years built in one process (in any order) cannot see each other's."""

    fy: FiscalYear
    fy2019: str             # how this year's documents name FY2019 (era.fy2019_name_for): 令和元年度 or 平成31年度
    stamp: datetime         # the date written into every document's properties (stamp_for)
    folder: str             # the year's folder in the archive (folder_name: FY2019 as city.yaml names it)
    templates: TemplateSet  # the template and labels files in force


def year_settings(fy: FiscalYear, city_fy2019: str, templates: TemplateSet) -> YearSettings:
    """The settings of `fy` for a city whose city.yaml names FY2019 `city_fy2019`."""
    plain = FiscalYear(fy.year)  # the year as the documents print it, whatever spelling asked for it
    return YearSettings(plain, era.fy2019_name_for(plain, city_fy2019), stamp_for(plain),
                        folder_name(plain, fy2019=city_fy2019), templates)


def folder_name(fy: FiscalYear, *, fy2019: str) -> str:
    """2017_H29, 2024_R6, 2019_R1 (FY2019 as `fy2019` names it, whatever spelling the data used)."""
    plain = FiscalYear(fy.year)
    return f"{plain.year}_{era.short(plain, fy2019=fy2019)}"


def source_date() -> datetime | None:
    """SOURCE_DATE_EPOCH as a time, where it is set to a whole number of seconds (else None)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return None


def stamp_for(fy: FiscalYear) -> datetime:
    """The date written into document properties: SOURCE_DATE_EPOCH, else the fiscal year's last day.

    CI and packaging tools set SOURCE_DATE_EPOCH for their own reasons: the build summary says so
    when it is set (cli/build.py), since every document then carries that date."""
    return source_date() or datetime(fy.year + 1, 3, 31, tzinfo=timezone.utc)
