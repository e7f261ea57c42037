"""The forms inbox (generate.py serve) in process: a department's check and hand-in as collect would do them, the office's
overview, and each guard of who may do what (wrong links, CSRF, caps, rate limit, files by name)."""
from __future__ import annotations

import hashlib
import re
import shutil
import warnings
import zipfile
from pathlib import Path

import pytest
import yaml
from cyclekit import R7_FOLDER, run, state
from support import tree
from formfill import fill
from inboxkit import NOW, R7, office_token, opened_r7, token

with warnings.catch_warnings():  # starlette 1.x would rather have httpx2 (not locked); httpx is, and works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from reportgen.cycle import links
from reportgen.inbox import app as inbox_app
from reportgen.inbox import judge, store
from reportgen.inbox.access import Gate
from reportgen.model import cycle_state as st

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GONE = "リンクが間違っているか、期限が切れています"


@pytest.fixture()
def opened(tmp_path_factory, tmp_path) -> tuple[Path, Path]:
    """data/ and out/ of R7 opened (a copy of the year opened once a run)."""
    return opened_r7(tmp_path_factory, tmp_path)


@pytest.fixture()
def inbox(opened, monkeypatch):
    monkeypatch.setenv("REPORTGEN_NOW", NOW)
    data, out = opened
    app = inbox_app.make_app(data, out, links.key(data))
    with TestClient(app) as client:
        yield client, data, out, out / R7_FOLDER


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def _check(client, dep_token: str, path, name=None):
    page = client.get(f"/d/{dep_token}")
    with open(path, "rb") as fh:
        return client.post(f"/d/{dep_token}/check", data={"csrf": _csrf(page.text)},
                           files={"form": (name or path.name, fh, XLSX)})


def _live_region(html: str) -> str:
    return _text(re.search(r'<div id="verdict" role="status" aria-live="polite"[^>]*>(.*?)</div>', html, re.S).group(1))


def test_a_refused_cell_is_shown_at_its_address_and_nothing_is_recorded(inbox, tmp_path):
    client, data, out, sent = inbox
    t = token(data, "青少年課")
    bad = fill(sent / "KPI実績値等入力表_令和7年度_青少年課.xlsx", tmp_path / "bad.xlsx", {"kpi:3-③": {6: "たくさん"}})
    before = tree(data)
    got = _check(client, t, bad)
    assert got.status_code == 200
    assert "このままでは受け付けられません。問題 1 件" in _live_region(got.text)
    row = re.search(r'<tr class="problem">(.*?)</tr>', got.text, re.S).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert re.fullmatch(r"KPI更新!F\d+", cells[0]) and cells[1] == "実績値" and "たくさん" in cells[2]
    assert tree(data) == before  # a check is a dry run: nothing written, nothing recorded


def test_a_hand_in_is_collect_itself(inbox, tmp_path, capsys, monkeypatch):
    """Same data, same record and same backups as `collect` of the same file on a twin copy of data/."""
    client, data, out, sent = inbox
    twin = tmp_path / "twin"
    shutil.copytree(data, twin)
    name = "KPI実績値等入力表_令和7年度_商工観光課.xlsx"
    good = fill(sent / name, tmp_path / "upload.xlsx", {"kpi:1-①": {6: "265件"}})
    got = _check(client, token(data, "商工観光課"), good, "何でも.xlsx")
    change = re.search(r'<tr class="change">(.*?)</tr>', got.text, re.S).group(1)
    assert re.findall(r"<td>(.*?)</td>", change) == ["市内工業団地の事業所数", "実績値", "（空）", "265件"]  # before → after
    sha = hashlib.sha256(good.read_bytes()).hexdigest()
    assert f'name="upload" value="{sha}"' in got.text and "この内容で提出する" in got.text
    done = client.post(f"/d/{token(data, '商工観光課')}/hand-in", data={"csrf": _csrf(got.text), "upload": sha})
    assert done.status_code == 200 and "を提出しました。変更 1 件をデータに反映しました" in _live_region(done.text)
    (tmp_path / "cli").mkdir()
    assert run(capsys, "collect", shutil.copy(good, tmp_path / "cli" / name), "--data", twin)[0] == 0
    mine, theirs = tree(data), tree(twin)
    assert {k: v for k, v in mine.items() if not k.startswith(".backups")} == {
        k: v for k, v in theirs.items() if not k.startswith(".backups")}
    assert sorted(k for k in mine if k.startswith(".backups")) and len([k for k in mine if k.startswith(".backups")]) == len(
        [k for k in theirs if k.startswith(".backups")])
    # the department downloads the form as it sent it
    link = re.search(r'href="(/d/[^"]+/file/[0-9a-f]{64})"', done.text).group(1)
    assert client.get(link).content == good.read_bytes()
    # a second press of the same file records nothing more
    client.post(f"/d/{token(data, '商工観光課')}/hand-in", data={"csrf": _csrf(got.text), "upload": sha})
    form = next(f for f in state(data)["years"]["R7"]["forms"] if f["file"] == name)
    assert len(form["returns"]) == 1


def test_a_refused_form_handed_in_is_recorded_as_collect_records_it(inbox, tmp_path, capsys):
    client, data, out, sent = inbox
    twin = tmp_path / "twin"
    shutil.copytree(data, twin)
    name = "KPI実績値等入力表_令和7年度_青少年課.xlsx"
    bad = fill(sent / name, tmp_path / "bad.xlsx", {"kpi:3-③": {6: "たくさん"}})
    t = token(data, "青少年課")
    got = _check(client, t, bad)
    sha = hashlib.sha256(bad.read_bytes()).hexdigest()
    done = client.post(f"/d/{t}/hand-in", data={"csrf": _csrf(got.text), "upload": sha})
    assert "受け付けられませんでした（差し戻し）" in _live_region(done.text)
    (tmp_path / "cli").mkdir()
    run(capsys, "collect", shutil.copy(bad, tmp_path / "cli" / name), "--data", twin)
    assert state(data) == state(twin)  # the same record: outcome, reasons, digest, file name, date


def test_a_form_is_judged_in_the_servers_environment_of_that_moment(inbox, tmp_path, monkeypatch):
    """The judging children are forked from a process started before (with the inbox): the time a hand-in records
    (REPORTGEN_NOW, read in the child) is the server's at the hand-in, not the one that process started with."""
    client, data, out, sent = inbox
    name = "KPI実績値等入力表_令和7年度_青少年課.xlsx"
    good = fill(sent / name, tmp_path / "good.xlsx", {"kpi:3-③": {6: "1,200人"}})
    t = token(data, "青少年課")
    got = _check(client, t, good)  # the process children are forked from runs by now
    assert "受け付けられます" in _live_region(got.text)
    monkeypatch.setenv("REPORTGEN_NOW", "2026-12-02T09:00:00+09:00")
    sha = hashlib.sha256(good.read_bytes()).hexdigest()
    client.post(f"/d/{t}/hand-in", data={"csrf": _csrf(got.text), "upload": sha})
    form = next(f for f in state(data)["years"]["R7"]["forms"] if f["file"] == name)
    assert [r["date"] for r in form["returns"]] == ["2026-12-02T09:00:00+09:00"]


def test_another_departments_form_is_not_taken_through_a_link(inbox, tmp_path):
    client, data, out, sent = inbox
    other = fill(sent / "KPI実績値等入力表_令和7年度_商工観光課.xlsx", tmp_path / "x.xlsx", {"kpi:1-①": {6: "265件"}})
    t = token(data, "青少年課")
    got = _check(client, t, other)
    assert "このリンクの課（青少年課）の様式ではありません" in _live_region(got.text) and 'name="upload"' not in got.text
    sha = hashlib.sha256(other.read_bytes()).hexdigest()
    before = tree(data)
    client.post(f"/d/{t}/hand-in", data={"csrf": _csrf(got.text), "upload": sha})
    assert tree(data) == before


def test_a_wrong_a_reissued_and_an_expired_link_all_say_the_same_and_name_nobody(inbox, capsys):
    client, data, out, sent = inbox
    old = token(data, "青少年課")
    assert client.get(f"/d/{old}").status_code == 200
    wrong = client.get("/d/" + "A" * 43)
    assert wrong.status_code == 404 and GONE in wrong.text and "青少年課" not in wrong.text
    # reissued: the old link stops working, the new one works
    assert run(capsys, "serve", "--data", data, "--reissue", "青少年課")[0] == 0
    assert client.get(f"/d/{old}").text == wrong.text
    assert client.get(f"/d/{token(data, '青少年課')}").status_code == 200
    # expired: the year no longer open
    cycle = st.load(data)
    cycle.year(R7).state, cycle.year(R7).closed = st.CLOSED, "2027-04-01T00:00:00Z"
    st.save(data, cycle)
    expired = client.get(f"/d/{token(data, '青少年課')}")
    assert expired.status_code == 404 and expired.text == wrong.text


def test_the_office_link_and_a_department_link_do_not_open_each_others_pages(inbox):
    client, data, out, sent = inbox
    assert client.get(f"/o/{token(data, '企画課')}").status_code == 404
    assert client.get(f"/d/{office_token(data)}").status_code == 404
    assert client.get(f"/o/{office_token(data)}").status_code == 200


def test_tokens_are_compared_in_constant_time_against_every_link(inbox, monkeypatch):
    client, data, out, sent = inbox
    compared = []
    first = token(data, "商工観光課")
    real = links.hmac.compare_digest
    monkeypatch.setattr(links.hmac, "compare_digest", lambda a, b: compared.append(b) or real(a, b))
    stored = [v["sha256"] for v in st.load(data).year(R7).links.values()]
    assert links.find(st.load(data), first)[0] == "商工観光課"  # the first link: every other one is compared all the same
    assert sorted(compared) == sorted(stored)


def test_only_the_hash_of_a_token_is_recorded(inbox):
    client, data, out, sent = inbox
    t = token(data, "商工観光課")
    record = (data / "cycle.yaml").read_text(encoding="utf-8")
    assert t not in record and hashlib.sha256(t.encode()).hexdigest() in record


@pytest.mark.parametrize("how", ["no token", "wrong token", "another site"])
def test_every_post_needs_its_pages_csrf_token(inbox, tmp_path, how):
    client, data, out, sent = inbox
    t = token(data, "商工観光課")
    good = fill(sent / "KPI実績値等入力表_令和7年度_商工観光課.xlsx", tmp_path / "g.xlsx", {"kpi:1-①": {6: "265件"}})
    page = client.get(f"/d/{t}")
    fields = {"no token": {}, "wrong token": {"csrf": "0" * 64}, "another site": {"csrf": _csrf(page.text)}}[how]
    headers = {"origin": "http://evil.example"} if how == "another site" else {}
    before = tree(data)
    with open(good, "rb") as fh:
        got = client.post(f"/d/{t}/check", data=fields, files={"form": ("g.xlsx", fh, XLSX)}, headers=headers)
    assert got.status_code == 403 and "送信を受け付けませんでした" in got.text
    sha = hashlib.sha256(good.read_bytes()).hexdigest()
    _check(client, t, good)  # uploaded by the department itself …
    got = client.post(f"/d/{t}/hand-in", data={**fields, "upload": sha}, headers=headers)  # … but handed in by another page
    assert got.status_code == 403 and tree(data) == {**before, **{k: v for k, v in tree(data).items() if k not in before}}
    assert not any(f["returns"] for f in state(data)["years"]["R7"]["forms"])
    office = client.get(f"/o/{office_token(data)}")
    got = client.post(f"/o/{office_token(data)}/settle", data={**fields, "year": "R7", "sha": sha, "department": "商工観光課"},
                      headers=headers)
    assert got.status_code == 403 and office.status_code == 200


def test_failures_are_rate_limited(opened):
    data, out = opened
    app = inbox_app.make_app(data, out, links.key(data), gate=Gate(b"k", allowed=3))
    with TestClient(app) as client:
        good = f"/d/{token(data, '商工観光課')}"
        assert client.get(good).status_code == 200
        for n in range(3):
            assert client.get(f"/d/guess{n}").status_code == 404
        got = client.get(good)  # the right link too, from the address that kept guessing
        assert got.status_code == 429 and "失敗したアクセスが多すぎます" in got.text and "商工観光課" not in got.text


def test_a_body_over_the_cap_is_refused_unread(inbox, tmp_path, monkeypatch):
    client, data, out, sent = inbox
    monkeypatch.setattr(inbox_app, "MAX_COMPRESSED", 1000)
    monkeypatch.setattr(inbox_app, "BODY_SLACK", 0)
    got = _check(client, token(data, "商工観光課"), sent / "KPI実績値等入力表_令和7年度_商工観光課.xlsx")
    assert got.status_code == 413 and "ファイルが大きすぎます（上限 1,000 バイト）" in _live_region(got.text)
    assert not (out / "received").exists()  # not a byte of it kept


def test_an_upload_over_the_cap_is_stopped_while_streaming(inbox, monkeypatch):
    client, data, out, sent = inbox
    monkeypatch.setattr(store, "MAX_COMPRESSED", 1000)  # the body's declared length passes; the stream is cut
    got = _check(client, token(data, "商工観光課"), sent / "KPI実績値等入力表_令和7年度_商工観光課.xlsx")
    assert got.status_code == 413 and not [p for p in (out / "received").rglob("*") if p.is_file()]


def test_a_zip_bomb_is_refused_with_collects_words(inbox, tmp_path):
    client, data, out, sent = inbox
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/big.xml", b"\0" * (8 * 1024 * 1024))
    got = _check(client, token(data, "商工観光課"), bomb)
    assert "圧縮率が異常です" in got.text and 'name="upload"' not in got.text


@pytest.mark.parametrize("cap", ["MEMORY_LIMIT", "TIME_LIMIT"])
def test_a_form_breaking_the_memory_or_time_cap_is_stopped_and_the_inbox_goes_on(inbox, monkeypatch, cap):
    client, data, out, sent = inbox
    monkeypatch.setattr(judge, cap, 32 * 1024 * 1024 if cap == "MEMORY_LIMIT" else 0.001)
    t = token(data, "商工観光課")
    got = _check(client, t, sent / "KPI実績値等入力表_令和7年度_商工観光課.xlsx")
    assert "読み取りの上限（時間・大きさ）を超えた" in _live_region(got.text)
    monkeypatch.undo()
    assert "受け付けられます" in _live_region(_check(client, t, sent / "KPI実績値等入力表_令和7年度_商工観光課.xlsx").text)


def test_no_name_the_client_gives_becomes_a_path(inbox, tmp_path):
    client, data, out, sent = inbox
    form = sent / "KPI実績値等入力表_令和7年度_商工観光課.xlsx"
    t = token(data, "商工観光課")
    got = _check(client, t, form, "../../../data/evil.xlsx")
    sha = hashlib.sha256(form.read_bytes()).hexdigest()
    client.post(f"/d/{t}/hand-in", data={"csrf": _csrf(got.text), "upload": sha})
    kept = sorted(p.relative_to(out).as_posix() for p in (out / "received").rglob("*") if p.is_file())
    assert kept == [f"received/2025_R7/.uploads/{sha}.xlsx", f"received/2025_R7/{sha}/KPI実績値等入力表_令和7年度_商工観光課.xlsx"]
    assert not list(tmp_path.rglob("evil.xlsx"))
    for bad in ("..%2f..%2fcycle.yaml", "0" * 64, "../" + sha):  # files only by the digests of the record
        assert client.get(f"/d/{t}/file/{bad}").status_code == 404
    other = token(data, "青少年課")  # nor another department's file
    assert client.get(f"/d/{other}/file/{sha}").status_code == 404


def test_the_office_sees_the_year_the_chase_list_and_each_conflicts_three_values_and_settles_it(inbox, tmp_path):
    client, data, out, sent = inbox
    t = token(data, "商工観光課")
    kpis = data / "strategies/2/kpis.yaml"
    text = kpis.read_text(encoding="utf-8")
    kpis.write_text(text.replace("R6: 年間11名", "R6: 年間11名\n      R7: 年間13名"), encoding="utf-8")  # the office typed R7
    form = fill(sent / "KPI実績値等入力表_令和7年度_商工観光課.xlsx", tmp_path / "c.xlsx", {"kpi:1-②": {6: "年間12名"}})
    got = _check(client, t, form)
    sha = hashlib.sha256(form.read_bytes()).hexdigest()
    client.post(f"/d/{t}/hand-in", data={"csrf": _csrf(got.text), "upload": sha})
    page = client.get(f"/o/{office_token(data)}")
    words = _text(page.text)
    assert "商工観光課 KPI実績値等入力表_令和7年度_商工観光課.xlsx 競合あり" in words
    assert "未提出 15、提出済・反映済 0、差し戻し 0、競合あり 1" in words
    chase = re.search(r"<textarea[^>]*>(.*?)</textarea>", page.text, re.S).group(1).splitlines()
    assert f"青少年課: KPI実績値等入力表_令和7年度_青少年課.xlsx http://127.0.0.1:8765/d/{token(data, '青少年課')}" in chase
    assert not any(line.startswith("商工観光課") for line in chase)  # a conflict is the office's, not a department to chase
    row = re.search(r'<tr class="conflict">(.*?)</tr>', page.text, re.S).group(1)
    assert re.findall(r"<td>(.*?)</td>", row)[2:] == ["（空）", "年間12名", "年間13名"]  # as sent, as returned, now
    assert client.get(re.search(r'href="(/o/[^"]+/file/R7/[0-9a-f]{64})"', page.text).group(1)).content == form.read_bytes()
    done = client.post(f"/o/{office_token(data)}/settle", data={"csrf": _csrf(page.text), "year": "R7", "sha": sha,
                                                               "department": "商工観光課"})
    assert done.status_code == 200 and "の値を採用しました" in done.text
    assert "R7: 年間12名" in kpis.read_text(encoding="utf-8")
    assert "提出済・反映済 1" in _text(done.text)
    assert yaml.safe_load(kpis.read_text(encoding="utf-8"))


def test_opens_listing_gives_each_form_its_departments_link(data_copy, tmp_path, capsys):
    code, stdout, _ = run(capsys, "open", "R7", "--data", data_copy, "--out", tmp_path / "out")
    listed = [line for line in stdout.splitlines() if line.startswith("  ")]
    assert len(listed) == 16
    app = inbox_app.make_app(data_copy, tmp_path / "out", links.key(data_copy))
    with TestClient(app) as client:
        for line in listed:
            department, *_, url = line.strip().split("\t")
            assert url == f"http://127.0.0.1:8765/d/{token(data_copy, department)}"
            page = client.get(url.removeprefix("http://127.0.0.1:8765"))
            assert f'<p class="who">{department} ／' in page.text


def test_reissuing_a_department_no_year_sent_a_form_changes_nothing(inbox, capsys):
    client, data, out, sent = inbox
    before = tree(data)
    code, _, err = run(capsys, "serve", "--data", data, "--reissue", "総務課")
    assert code == 2 and "serve --reissue 総務課: 受付中の年度（R7）にこの課の様式はありません。何も変更していません" in err
    assert tree(data) == before


def test_the_pages_speak_english_with_lang_en(opened):
    data, out = opened
    with TestClient(inbox_app.make_app(data, out, links.key(data), lang="en")) as client:
        page = client.get(f"/d/{token(data, '商工観光課')}").text
        assert '<html lang="en">' in page and "<h1>Hand in your forms</h1>" in page and "not returned" in page
        assert "The link is wrong or has expired" in client.get("/d/nothing").text
