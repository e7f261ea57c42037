"""`correct YEAR --reason`: a closed year's archive rebuilt as a new edition, the earlier one kept beside it and recorded."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from reportgen.archive.build import build, read_manifest
from reportgen.archive.manifest import KEPT, MANIFEST, folder_name, sha256
from reportgen.archive.verification import verify
from reportgen.cycle.closing import CloseFailed, finding_lines
from reportgen.model import cycle_state as st
from reportgen.model.loader import load
from reportgen.model.lock import Waiting, data_lock, quietly
from reportgen.rules import era
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import Msg, UsageError


@dataclass
class CorrectResult:
    fy: FiscalYear
    folder: Path
    edition: int
    changed: list[str]
    editions: list[dict]  # every edition as recorded, the new one last


def edition_folder(folder: str, number: int) -> str:
    """Where an earlier edition is kept, beside the year's folder: 2025_R7_第1版."""
    return f"{folder}_第{number}版"


def _closed_year(data: Path, out: Path, fy: FiscalYear) -> st.CycleYear:
    y = st.load(data).year(fy)
    code, where = era.short(fy, fy2019=era.NATIONAL), st.display(st.path(data))
    if y is None or y.state != st.CLOSED:
        raise UsageError(Msg(
            ja=f"correct {code}: {era.long(fy, fy2019=era.NATIONAL)} は締め切られていません（{where}）。締め切る前の年度は build で作り直されます。何も変更していません",
            en=f"correct {code}: {code} is not closed ({where}); a year not closed is rebuilt by build. Nothing was changed"))
    return y


def correct_year(data: Path, out: Path, fy: FiscalYear, reason: str, *, pdf: bool = False,
                 waiting: Waiting = quietly) -> CorrectResult:
    """Rebuild closed `fy` from today's data as edition n+1: the current folder is renamed to
    `<folder>_第n版` (its bytes untouched), the new manifest names the edition it supersedes and why,
    both are verified, and data/cycle.yaml records the edition with its manifest's SHA-256."""
    data, out = Path(data), Path(out)
    code = era.short(fy, fy2019=era.NATIONAL)
    if not reason.strip():
        raise UsageError(Msg(ja=f"correct {code}: --reason に訂正の理由を書いてください。何も変更していません",
                             en=f"correct {code}: say why with --reason. Nothing was changed"))
    with data_lock(data, waiting):
        y = _closed_year(data, out, fy)
        # the folder the build wrote: FY2019 as this city's city.yaml names it (2019_H31 or 2019_R1)
        folder = folder_name(fy, fy2019=load(data).city.fy2019)
        editions = [dict(e) for e in y.editions]
        restore_interrupted(out, folder, editions or [{"edition": 1}])
        current = read_manifest(out / folder)
        if current is None:
            raise UsageError(Msg(ja=f"correct {code}: {out / folder} に締切時のアーカイブがありません。何も変更していません",
                                 en=f"correct {code}: no archive of the closed year in {out / folder}. Nothing was changed"))
        manifest_sha = sha256((out / folder / MANIFEST).read_bytes())
        if not editions:  # closed before editions were recorded: the folder as it is is the first
            editions = [{"edition": 1, "folder": folder, "manifest_sha256": manifest_sha, "date": y.closed}]
        number = editions[-1]["edition"]
        earlier = edition_folder(folder, number)
        if (out / earlier).exists():
            raise UsageError(Msg(ja=f"correct {code}: {out / earlier} がすでにあります。何も変更していません",
                                 en=f"correct {code}: {out / earlier} already exists. Nothing was changed"))
    when = st.now()
    edition = {"number": number + 1, "date": when, "reason": reason.strip(),
               "supersedes": {"edition": number, "folder": earlier, "manifest_sha256": manifest_sha},
               "earlier_folder": earlier}
    result = build(data, out, [fy], pdf=pdf, correcting=fy, edition=edition, waiting=waiting)
    yb = result.years[0]
    if yb.outcome == KEPT:
        raise UsageError(Msg(
            ja=f"correct {code}: 締切時からデータ・テンプレートが変わっていないため、訂正する内容がありません。何も変更していません",
            en=f"correct {code}: the data and templates are as they were at closing; nothing to correct. Nothing was changed"))
    failed = [f for folder_ in (out / folder, out / earlier) for f in verify(folder_)[1] if f.failed]
    if failed:
        raise CloseFailed([Msg(ja=f"correct {code}: 版の検証に失敗しました（{fy} の記録は更新していません）:",
                               en=f"correct {code}: verifying the editions failed ({code}'s record was not updated):")]
                          + finding_lines(failed))
    with data_lock(data, waiting):
        cycle = st.load(data)
        y = cycle.year(fy)
        editions[-1]["folder"] = earlier
        editions.append({"edition": number + 1, "folder": folder,
                         "manifest_sha256": sha256((out / folder / MANIFEST).read_bytes()), "date": when,
                         "reason": reason.strip(), "supersedes": number})
        y.editions = editions
        st.save(data, cycle)
    return CorrectResult(fy, out / folder, number + 1, yb.changed, editions)


def restore_interrupted(out: Path, folder: str, editions: list[dict]) -> None:
    """A correction killed between moving the earlier edition aside and publishing the new one: put it back."""
    if editions and not (out / folder).exists():
        earlier = out / edition_folder(folder, editions[-1]["edition"])
        if earlier.is_dir():
            os.rename(earlier, out / folder)
