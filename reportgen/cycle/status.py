"""`status [YEAR]`: every form a year sent, by department, with what came back; the departments to chase."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportgen.cycle import links
from reportgen.model import cycle_state as st
from reportgen.model.loader import load
from reportgen.rules import era
from reportgen.rules.commands import command
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import DataError, Msg, UsageError

NOT_IN, DONE, SENT_BACK, CONFLICT = "not_in", "done", "sent_back", "conflict"
LABELS = {NOT_IN: Msg(ja="未提出", en="not returned"), DONE: Msg(ja="提出済・反映済", en="returned and applied"),
          SENT_BACK: Msg(ja="差し戻し", en="refused"), CONFLICT: Msg(ja="競合あり", en="conflicts waiting")}


def form_status(form: st.SentForm) -> str:
    """A form's status from its latest return (a form returned unchanged counts as returned)."""
    return {None: NOT_IN, st.APPLIED: DONE, st.UNCHANGED: DONE, st.REFUSED: SENT_BACK,
            st.CONFLICTS: CONFLICT}[form.outcome]


@dataclass
class YearStatus:
    year: st.CycleYear
    urls: dict[str, str] = field(default_factory=dict)  # each department's inbox link (reportgen.cycle.links)

    @property
    def by_department(self) -> dict[str, list[st.SentForm]]:
        out: dict[str, list[st.SentForm]] = {}
        for f in self.year.forms:
            out.setdefault(f.department, []).append(f)
        return out

    @property
    def complete(self) -> bool:
        return all(form_status(f) == DONE for f in self.year.forms)

    def to_chase(self) -> dict[str, list[st.SentForm]]:
        """Departments with a form not returned or refused (a conflict is the office's to settle)."""
        out: dict[str, list[st.SentForm]] = {}
        for f in self.year.forms:
            if form_status(f) in (NOT_IN, SENT_BACK):
                out.setdefault(f.department, []).append(f)
        return out


def _in_a_strategy(data: Path, fy: FiscalYear) -> bool:
    """Whether a strategy's period holds the year (a data folder that does not load cannot tell: then yes)."""
    try:
        return load(data).strategy_for(fy) is not None
    except DataError:
        return True


def statuses(data: Path, fy: FiscalYear | None = None) -> list[YearStatus]:
    """The year asked for, or (by default) every open year; a year never opened is a usage error."""
    cycle = st.load(Path(data))
    if fy is not None:
        y = cycle.year(fy)
        if y is None:
            if not _in_a_strategy(data, fy):  # open would refuse it: no hint to open it
                raise UsageError(Msg(
                    ja=f"status {fy}: {era.long(fy, fy2019=era.NATIONAL)} はどの総合戦略の期間にも入っていないため、開いて様式を送る年度"
                       "ではありません（data/strategies/*/strategy.yaml の period）",
                    en=f"status {fy}: {fy} lies outside every strategy period, so it is never opened "
                       "(period in data/strategies/*/strategy.yaml)"))
            raise UsageError(Msg(
                ja=f"status {fy}: {era.long(fy, fy2019=era.NATIONAL)} は開かれていません（{st.display(st.path(data))} に記録がありません）。"
                   f"{command('open', era.short(fy, fy2019=era.NATIONAL))} で開きます",
                en=f"status {fy}: {fy} was never opened (not in {st.display(st.path(data))}); "
                   f"open it with {command('open', era.short(fy, fy2019=era.NATIONAL))}"))
        return [YearStatus(y, links.urls(data, y))]
    opened = [YearStatus(cycle.year(f), links.urls(data, cycle.year(f))) for f in cycle.open_years()]
    if not opened:
        closed = "、".join(era.short(f, fy2019=era.NATIONAL) for f in cycle.closed_years())
        raise UsageError(Msg(
            ja="status: 受付中の年度がありません" + (f"（締切済: {closed}。status {cycle.closed_years()[-1]} で締切済の年度を表示）"
                                                   if closed else "") + f"。{command('open', 'YEAR')} で年度を開きます",
            en="status: no year is open" + (f" (closed: {closed})" if closed else "") + f"; open one with {command('open', 'YEAR')}"))
    return opened


def lines(ys: YearStatus, lang: str = "ja") -> list[str]:
    """The report: the year, every form by department, the counts, then the block to paste into a reminder."""
    y = ys.year
    closed = st.shown(y.closed)
    state = Msg(ja="受付中", en="open")(lang) if y.state == st.OPEN else Msg(ja=f"締切済（{closed}）", en=f"closed ({closed})")(lang)
    out = [f"{era.long(y.fy, fy2019=era.NATIONAL)}（{era.short(y.fy, fy2019=era.NATIONAL)}）: {state}: " + (Msg(
        ja=f"{st.shown(y.opened)} に送付、build {y.build}、様式 {len(y.forms)} 件（{y.folder}）",
        en=f"sent {st.shown(y.opened)}, build {y.build}, {len(y.forms)} form(s) ({y.folder})") if y.opened else Msg(
        ja="サイクル以前の年度（様式の送付なし）を記録として締め切りました", en="a year before the cycle (no forms sent), closed as a record"))(lang)]
    for e in y.editions:  # the archive's editions: where each is, its manifest's hash, and why it was corrected
        why = Msg(ja=f"、理由: {e['reason']}", en=f", reason: {e['reason']}")(lang) if e.get("reason") else ""
        out.append(Msg(ja=f"  第{e['edition']}版: {e['folder']}（{st.shown(e['date'])}、manifest sha256 {e['manifest_sha256'][:16]}{why}）",
                       en=f"  edition {e['edition']}: {e['folder']} ({st.shown(e['date'])}, manifest sha256 "
                          f"{e['manifest_sha256'][:16]}{why})")(lang))
    counts = {k: 0 for k in LABELS}
    for department, forms in ys.by_department.items():
        out.append(f"{department or Msg(ja='（担当課なし）', en='(no department)')(lang)}")
        for f in forms:
            s = form_status(f)
            counts[s] += 1
            line = f"  {f.file}: {LABELS[s](lang)}"
            if f.returns:
                r = f.returns[-1]
                line += Msg(ja=f"（{st.shown(r.date)} 受付 {r.file}", en=f" ({st.shown(r.date)}, {r.file}")(lang)
                line += (Msg(ja=f"、変更 {r.changes} 件）", en=f", {r.changes} change(s))")(lang) if s == DONE else ")" if lang == "en" else "）")
            out.append(line)
            if s in (SENT_BACK, CONFLICT):
                out.extend(f"      {w}" for w in f.returns[-1].why)
    out.append(Msg(ja="集計: " + "、".join(f"{LABELS[k].ja} {n} 件" for k, n in counts.items()) + f"（様式 {len(y.forms)} 件）",
                   en="total: " + ", ".join(f"{LABELS[k].en} {n}" for k, n in counts.items()) + f" ({len(y.forms)} forms)")(lang))
    if y.closed_missing:
        out.append(Msg(ja="締切時に未提出等だった様式:", en="forms not in when the year was closed:")(lang))
        out.extend(f"  {m}" for m in y.closed_missing)
    chase = ys.to_chase()
    if counts[CONFLICT]:
        out.append(Msg(ja=f"競合は企画課で解決します: データを確認し、様式の値を採用するなら {command('collect', '--force', '様式ファイル')}",
                       en=f"conflicts are the office's to settle: check the data; to take the form's values, {command('collect', '--force', 'FILE')}")(lang))
    if chase:
        out.append("")
        out.append(Msg(ja=f"督促先（{len(chase)} 課、メールに貼り付けられます）:",
                       en=f"departments to chase ({len(chase)}, ready to paste into a reminder):")(lang))
        out.extend(reminder_block(ys))
    return out


def reminder_block(ys: YearStatus) -> list[str]:
    """One line a department: its name, its forms still to come (refused ones marked 再提出), its inbox link."""
    block = []
    for department, forms in ys.to_chase().items():
        names = "、".join(f.file + ("（再提出）" if form_status(f) == SENT_BACK else "") for f in forms)
        link = f" {ys.urls[department]}" if department in ys.urls else ""
        block.append(f"{department}: {names}{link}")
    return block
