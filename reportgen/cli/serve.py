"""`generate.py serve`: the forms inbox (reportgen.inbox) for the data folder; `--reissue` gives a new link."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

import uvicorn

from reportgen.cli import common
from reportgen.cli.common import add_data, add_lang, add_out, require_data, text
from reportgen.cycle import links
from reportgen.inbox.app import make_app
from reportgen.model import cycle_state as st
from reportgen.model.datastore import recover_data
from reportgen.model.lock import data_lock, quietly
from reportgen.rules import era
from reportgen.rules.problems import Msg, UsageError

OFFICE_NAMES = ("office", "企画課の一覧")


def prepare(data: Path, reissue: str | None = None, base: str | None = None) -> tuple[bytes, str, dict[str, str]]:
    """Under the data lock: finish what a killed run left, make the key and any missing link, reissue one if asked.
    The inbox key, the office's link and the reissued department links (department → link)."""
    with data_lock(data, quietly):  # the inbox waits without a word, as it always has
        recover_data(data)  # a hand-in killed mid-write: data/ back to before it, as collect would
        cycle = st.load(data)
        secret = links.key(data)
        before = st.dump(cycle)
        if not cycle.office or reissue in OFFICE_NAMES:
            links.issue_office(secret, cycle)
        issued = {}
        for fy in cycle.open_years():
            y = cycle.year(fy)
            missing = [d for d in links.departments(y) if d not in y.links]
            for department in missing:  # a year opened before the inbox existed
                links.issue_year(secret, y, only=department)
            if reissue in links.departments(y):
                links.issue_year(secret, y, only=reissue)
                issued[f"{fy} {reissue}"] = links.department_url(links.department_token(secret, y, reissue), base)
        if reissue is not None and reissue not in OFFICE_NAMES and not issued:
            open_ = "、".join(era.short(f, fy2019=era.NATIONAL) for f in cycle.open_years()) or "（なし）"
            raise UsageError(Msg(
                ja=f"serve --reissue {reissue}: 受付中の年度（{open_}）にこの課の様式はありません。何も変更していません",
                en=f"serve --reissue {reissue}: no open year ({open_}) sent this department a form. Nothing was changed"))
        if st.dump(cycle) != before:
            st.save(data, cycle)
        return secret, links.office_url(links.office_token(secret, cycle), base), issued


def run_serve(data: Path, out: Path, host: str, port: int, reissue: str | None, proxy: str | None, lang: str) -> int:
    # links name REPORTGEN_INBOX_URL (the address departments reach); else where this inbox listens
    base = None if os.environ.get("REPORTGEN_INBOX_URL") else f"http://{host}:{port}"
    secret, office, issued = prepare(data, reissue, base)
    if reissue is not None:
        for where, url in issued.items():
            print(Msg(ja=f"{where}: 新しいリンク {url}（前のリンクは使えなくなりました）",
                      en=f"{where}: new link {url} (the previous link no longer works)")(lang))
        if reissue in OFFICE_NAMES:
            print(Msg(ja=f"企画課の一覧: 新しいリンク {office}", en=f"the office's overview: new link {office}")(lang))
        return 0
    print(Msg(ja=f"様式の受付を開始します: http://{host}:{port}/（Ctrl+C で終了）\n企画課の一覧: {office}\n"
                 "各課のリンクは generate.py status の督促先に表示されます",
              en=f"the forms inbox is running at http://{host}:{port}/ (Ctrl+C stops it)\nthe office's overview: {office}\n"
                 "each department's link is shown in generate.py status's chase list")(lang), flush=True)
    app = make_app(data, out, secret, lang)
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=proxy is not None,
                forwarded_allow_ips=proxy, server_header=False)
    return 0


def parser() -> argparse.ArgumentParser:
    p = common.parser("serve", text("様式の受付（ブラウザで各課が様式を提出し、その場で判定を見る）を始めます。",
                                    "The forms inbox: departments hand in their forms in a browser."), text(
        """例:
  python3 generate.py serve                          受付を http://127.0.0.1:8765/ で開く（このコンピューターからのみ）
  python3 generate.py serve --host 0.0.0.0 --proxy 127.0.0.1   このホストの HTTPS リバースプロキシの後ろで
  python3 generate.py serve --reissue 商工観光課       商工観光課に新しいリンクを出す（古いリンクは使えなくなる）
  python3 generate.py serve --reissue office          企画課の一覧用に新しいリンクを出す

各課のリンクは open（様式の横）と status（督促先の一覧）に表示されます。企画課の一覧のリンクは受付を始めた
ときに表示されます。リンクのアドレスは REPORTGEN_INBOX_URL（既定 http://127.0.0.1:8765）です。
受付をインターネットに公開しないでください。
""", """examples:
  python3 generate.py serve                          the inbox on http://127.0.0.1:8765/ (this computer only)
  python3 generate.py serve --host 0.0.0.0 --proxy 127.0.0.1   behind the office's HTTPS reverse proxy on this host
  python3 generate.py serve --reissue 商工観光課       a new link for 商工観光課 (the old one stops working)
  python3 generate.py serve --reissue office          a new link for the office's overview

Each department's link is printed by open (beside its forms) and by status (in the chase list); the
office's overview link is printed when the inbox starts. Links name the address in
REPORTGEN_INBOX_URL (default http://127.0.0.1:8765). Never expose the inbox to the internet.
"""))
    add_data(p)
    add_out(p, "アーカイブのフォルダ（既定: out。受け取ったファイルは out/received/ へ）",
            "archive folder (default: out; files received go to out/received/)")
    p.add_argument("--host", default="127.0.0.1", help=text("待ち受けるアドレス（既定: 127.0.0.1、このコンピューターからのみ）",
                                                            "address to listen on (default: 127.0.0.1, this computer only)"))
    p.add_argument("--port", type=int, default=8765, help=text("ポート（既定: 8765）", "port (default: 8765)"))
    p.add_argument("--proxy", metavar="ADDRESS", help=text("X-Forwarded-For を信頼するリバースプロキシのアドレス",
                                                           "the reverse proxy's address, whose X-Forwarded-For is trusted"))
    p.add_argument("--reissue", metavar="DEPARTMENT", help=text("この課（または office）に新しいリンクを出して表示し、終わる",
                                                               "give this department (or 'office') a new link, print it and stop"))
    add_lang(p)
    return p


def run(args, lang: str) -> int:
    require_data(args.data)
    return run_serve(args.data, args.out, args.host, args.port, args.reissue, args.proxy, lang)
