"""The inbox's web application (Starlette): a department's page (check, hand in, download), the office's overview, the guards."""
from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from reportgen.collect.package import MAX_COMPRESSED
from reportgen.cycle import links
from reportgen.cycle.status import YearStatus
from reportgen.inbox import judge, store, views
from reportgen.inbox.access import Gate, same_origin
from reportgen.model import cycle_state as st
from reportgen.rules import era

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BODY_SLACK = 64 * 1024  # a multipart body's own bytes around the file
HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
           "Cache-Control": "no-store",
           "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"}


class Inbox:
    def __init__(self, data: Path, out: Path, secret: bytes, lang: str = "ja", gate: Gate | None = None, jobs: int = 2):
        self.data, self.out, self.lang = Path(data), Path(out), lang
        self.words, self.env = views.Words(lang), views.environment()
        self.gate = gate or Gate(secret)
        self.jobs = asyncio.Semaphore(jobs)  # children judging at once: the machine's cores, not the crowd's size
        self.handing_in: dict[str, asyncio.Lock] = {}

    # ------------------------------------------------------------------ pages

    def page(self, name: str, status: int = 200, **ctx) -> HTMLResponse:
        html = self.env.get_template(name).render(lang=self.lang, w=self.words, **ctx)
        return HTMLResponse(html, status_code=status, headers=HEADERS)

    def gone(self, request: Request) -> Response:
        """A wrong or expired link, told alike and with nothing about whose it might have been."""
        self.gate.failed(_address(request))
        return self.page("gone.html", 404, title=self.words.title_gone, text=self.words.gone_text)

    def refused_post(self, request: Request) -> Response:
        self.gate.failed(_address(request))
        return self.page("gone.html", 403, title=self.words.title_refused_post, text=self.words.refused_post_text)

    def busy(self) -> Response:
        return self.page("gone.html", 429, title=self.words.title_busy, text=self.words.busy_text)

    # ------------------------------------------------------------------ who is asking

    def who(self, request: Request):
        """(token, department, year) for a live department link, ("office", None) for the office's, else None."""
        token = request.path_params.get("token", "")
        if len(token) > 100:
            return None
        found = links.find(st.load(self.data), token)
        return (token, *found) if found else None

    async def guarded(self, request: Request, office: bool, post: bool):
        if self.gate.blocked(_address(request)):
            return self.busy()
        who = self.who(request)
        if who is None or (who[1] == links.OFFICE) != office:
            return self.gone(request)
        if post and not same_origin(request.headers, request.headers.get("host", "")):
            return self.refused_post(request)
        return who

    # ------------------------------------------------------------------ a department

    def department_page(self, token: str, department: str, year: st.CycleYear, verdict=None, status: int = 200):
        base = f"/d/{token}"
        return self.page("department.html", status, title=self.words.title_department, department=department,
                         year=f"{era.long(year.fy, fy2019=era.NATIONAL)}（{era.short(year.fy, fy2019=era.NATIONAL)}）", base=base, csrf=self.gate.csrf(token),
                         verdict=verdict, forms=views.department_forms(self.out, year, department, base, self.words, self.lang))

    async def department(self, request: Request) -> Response:
        who = await self.guarded(request, office=False, post=False)
        if isinstance(who, Response):
            return who
        token, department, year = who
        done = request.query_params.get("done", "")
        verdict = views.handed_in(year, department, done, self.words) if store.valid(done) else None
        return self.department_page(token, department, year, verdict)

    async def check(self, request: Request) -> Response:
        who = await self.guarded(request, office=False, post=True)
        if isinstance(who, Response):
            return who
        token, department, year = who
        length = request.headers.get("content-length", "")
        if not length.isdigit() or int(length) > MAX_COMPRESSED + BODY_SLACK:  # never read a body past the cap
            return self._said(token, department, year, self.words.fill("too_large", limit=f"{MAX_COMPRESSED:,}"), 413)
        async with request.form(max_files=1, max_fields=2) as form:
            if not self.gate.csrf_ok(token, form.get("csrf")):
                return self.refused_post(request)
            upload = form.get("form")
            if not isinstance(upload, UploadFile) or not upload.filename:
                return self._said(token, department, year, self.words.no_file, 400)
            try:
                sha = await store.save_upload(upload, self.out, year.fy)
            except store.TooLarge:
                return self._said(token, department, year, self.words.fill("too_large", limit=f"{MAX_COMPRESSED:,}"), 413)
            shown = Path(upload.filename.replace("\\", "/")).name[:100]  # shown on the page only, never a path
        async with self.jobs:
            doc = await judge.run(self.data, store.upload_path(self.out, year.fy, sha), department, year.fy)
        return self.department_page(token, department, year, views.verdict(doc, self.words, self.lang, department, sha, shown))

    def _said(self, token, department, year, text: str, status: int) -> Response:
        verdict = {"tone": "bad", "summary": text, "problems": [], "applied": [], "conflicts": [], "hand_in": "",
                   "accepted": False}
        return self.department_page(token, department, year, verdict, status)

    async def hand_in(self, request: Request) -> Response:
        who = await self.guarded(request, office=False, post=True)
        if isinstance(who, Response):
            return who
        token, department, year = who
        async with request.form(max_files=0, max_fields=2) as form:
            if not self.gate.csrf_ok(token, form.get("csrf")):
                return self.refused_post(request)
            sha = str(form.get("upload", ""))
        path = store.upload_path(self.out, year.fy, sha)
        if path is None:
            return self.refused_post(request)
        lock = self.handing_in.setdefault(department, asyncio.Lock())
        async with lock:  # one department's presses one after another: a second press of the same file records nothing
            if not views.recorded(st.load(self.data).year(year.fy), department, sha):
                async with self.jobs:
                    doc = await judge.run(self.data, path, department, year.fy, keep=store.keep_folder(self.out, year.fy, sha))
                if not doc.get("handed_in"):
                    return self.department_page(token, department, year,
                                                views.verdict(doc, self.words, self.lang, department, "", ""))
        return RedirectResponse(f"/d/{token}?done={sha}", status_code=303, headers=HEADERS)

    async def department_file(self, request: Request) -> Response:
        who = await self.guarded(request, office=False, post=False)
        if isinstance(who, Response):
            return who
        _, department, year = who
        sha = request.path_params["sha"]
        r = views.find_return(year, department, sha) if store.valid(sha) else None
        return self._file(request, year, r)

    def _file(self, request: Request, year, r) -> Response:
        path = store.received(self.out, year.fy, r.sha256, r.file) if r is not None and year is not None else None
        if path is None:
            return self.gone(request)
        return FileResponse(path, media_type=XLSX, filename=r.file, headers=HEADERS)

    # ------------------------------------------------------------------ the office

    async def office(self, request: Request) -> Response:
        who = await self.guarded(request, office=True, post=False)
        if isinstance(who, Response):
            return who
        token = who[0]
        base = f"/o/{token}"
        cycle = st.load(self.data)
        years = []
        for fy in cycle.open_years():
            y = cycle.year(fy)
            shown = views.office_year(self.out, YearStatus(y, links.urls(self.data, y)), base, self.words, self.lang)
            for c in shown["conflicts"]:
                if c["path"] is not None:
                    async with self.jobs:
                        doc = await judge.run(self.data, c["path"], c["department"], fy)
                    c["values"] = views.conflict_values(doc, self.lang, self.words)
                if not c["values"]:
                    c["values"] = [{"label": line, "field": "", "sent": "", "returned": "", "now": ""} for line in c["why"]]
            years.append(shown)
        settled = request.query_params.get("settled", "")
        notice = self.words.fill("settled", file=settled[:100]) if settled else ""
        return self.page("office.html", title=self.words.title_office, years=years, base=base,
                         csrf=self.gate.csrf(token), notice=notice)

    async def settle(self, request: Request) -> Response:
        who = await self.guarded(request, office=True, post=True)
        if isinstance(who, Response):
            return who
        token = who[0]
        async with request.form(max_files=0, max_fields=4) as form:
            if not self.gate.csrf_ok(token, form.get("csrf")):
                return self.refused_post(request)
            code, sha, department = (str(form.get(k, "")) for k in ("year", "sha", "department"))
        try:
            year = st.load(self.data).year(era.parse_fy(code))
        except ValueError:
            year = None
        r = views.find_return(year, department, sha) if year is not None and store.valid(sha) else None
        path = store.received(self.out, year.fy, sha, r.file) if r is not None else None
        if path is None:
            return self.refused_post(request)
        async with self.jobs:
            await judge.run(self.data, path, department, year.fy, keep=path.parent, force=True)
        return RedirectResponse(f"/o/{token}?settled={r.file}", status_code=303, headers=HEADERS)

    async def office_file(self, request: Request) -> Response:
        who = await self.guarded(request, office=True, post=False)
        if isinstance(who, Response):
            return who
        try:
            year = st.load(self.data).year(era.parse_fy(request.path_params["year"]))
        except ValueError:
            year = None
        sha = request.path_params["sha"]
        r = views.find_return(year, None, sha) if year is not None and store.valid(sha) else None
        return self._file(request, year, r)

    async def root(self, request: Request, exc: Exception | None = None) -> Response:
        """Any other address (/, /favicon.ico a browser asks for by itself): the same page, not counted as a guess."""
        return self.page("gone.html", 404, title=self.words.title_gone, text=self.words.gone_text)

    async def error(self, request: Request, exc: Exception) -> Response:
        return self.page("gone.html", 500, title=self.words.title_error, text=self.words.error_text)


def _address(request: Request) -> str:
    return request.client.host if request.client else ""


@asynccontextmanager
async def _lifespan(app: Starlette):
    judge.warm()  # the process judging children fork from imports while the first page is asked for
    yield


def make_app(data: Path, out: Path, secret: bytes, lang: str = "ja", gate: Gate | None = None, jobs: int = 2) -> Starlette:
    inbox = Inbox(data, out, secret, lang, gate, jobs)
    routes = [
        Route("/", inbox.root),
        Route("/d/{token}", inbox.department),
        Route("/d/{token}/check", inbox.check, methods=["POST"]),
        Route("/d/{token}/hand-in", inbox.hand_in, methods=["POST"]),
        Route("/d/{token}/file/{sha}", inbox.department_file),
        Route("/o/{token}", inbox.office),
        Route("/o/{token}/settle", inbox.settle, methods=["POST"]),
        Route("/o/{token}/file/{year}/{sha}", inbox.office_file),
        Mount("/static", StaticFiles(directory=views.PAGES / "static"), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={404: inbox.root, 500: inbox.error, Exception: inbox.error},
                    lifespan=_lifespan)
    app.state.inbox = inbox
    return app
