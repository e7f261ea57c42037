"""The forms inbox's links: one unguessable token per department of an open year and one for the planning office.

A token is derived from the inbox key (data/.inbox-key, made once with secrets.token_urlsafe, readable
by its owner only) and the link's serial, so that `open` and `status` can print a link again; the
cycle's record (data/cycle.yaml) holds only the token's SHA-256. Reissuing a link bumps its serial:
the old token no longer matches its hash. A department's link lives as long as its year is open.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from reportgen.model import cycle_state as st
from reportgen.model.lock import fsync_path, write_synced

KEY_FILE = ".inbox-key"
DEFAULT_URL = "http://127.0.0.1:8765"
OFFICE = "office"


def base_url() -> str:
    """Where the inbox is reached, as printed links name it (REPORTGEN_INBOX_URL, else the loopback default)."""
    return (os.environ.get("REPORTGEN_INBOX_URL") or DEFAULT_URL).rstrip("/")


def key(data: Path, create: bool = True) -> bytes | None:
    """The inbox key; made on first use (owner-only file, written durably). Call with data/.lock held."""
    path = Path(data) / KEY_FILE
    if path.is_file():
        return path.read_bytes().strip()
    if not create:
        return None
    temp = path.with_name(f".{KEY_FILE}.new")
    write_synced(temp, secrets.token_urlsafe(48).encode("ascii"))
    os.chmod(temp, 0o600)
    os.replace(temp, path)
    fsync_path(path.parent)
    return path.read_bytes().strip()


def _token(secret: bytes, scope: str, serial: int) -> str:
    mac = hmac.new(secret, f"{scope}\n{serial}".encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _scope(year: st.CycleYear, department: str) -> str:
    return f"department\n{year.fy.year}\n{department}"


def departments(year: st.CycleYear) -> list[str]:
    """The departments of a year's forms, in the order they were sent."""
    return list(dict.fromkeys(f.department for f in year.forms))


def issue_year(secret: bytes, year: st.CycleYear, only: str | None = None) -> None:
    """Give every department of `year` (or only `only`) a link; an existing link gets a new serial."""
    for department in departments(year):
        if only is not None and department != only:
            continue
        serial = year.links.get(department, {}).get("serial", 0) + 1
        year.links[department] = {"serial": serial, "sha256": digest(_token(secret, _scope(year, department), serial))}


def issue_office(secret: bytes, cycle: st.Cycle) -> None:
    serial = cycle.office.get("serial", 0) + 1
    cycle.office = {"serial": serial, "sha256": digest(_token(secret, OFFICE, serial))}


def department_token(secret: bytes, year: st.CycleYear, department: str) -> str | None:
    """The department's current token, or None where it has no link (a year opened before the inbox)."""
    link = year.links.get(department)
    if not link:
        return None
    token = _token(secret, _scope(year, department), link["serial"])
    return token if hmac.compare_digest(digest(token), link["sha256"]) else None  # a replaced key: reissue


def office_token(secret: bytes, cycle: st.Cycle) -> str | None:
    if not cycle.office:
        return None
    token = _token(secret, OFFICE, cycle.office["serial"])
    return token if hmac.compare_digest(digest(token), cycle.office["sha256"]) else None


def department_url(token: str, base: str | None = None) -> str:
    return f"{(base or base_url()).rstrip('/')}/d/{token}"


def office_url(token: str, base: str | None = None) -> str:
    return f"{(base or base_url()).rstrip('/')}/o/{token}"


def urls(data: Path, year: st.CycleYear) -> dict[str, str]:
    """Each department's link of `year` for printing (none where no key or no link exists)."""
    secret = key(data, create=False)
    if secret is None:
        return {}
    out = {}
    for department in departments(year):
        token = department_token(secret, year, department)
        if token:
            out[department] = department_url(token)
    return out


def find(cycle: st.Cycle, token: str) -> tuple[str, st.CycleYear | None] | None:
    """Whose token this is: ("office", None), (department, its open year), or None. Every stored hash is
    compared, in constant time each, whether or not one already matched: the time taken does not tell
    how far a guess got, nor whose link it was."""
    given = digest(token)
    found = None
    if cycle.office and hmac.compare_digest(given, cycle.office["sha256"]):
        found = (OFFICE, None)
    for y in cycle.years.values():
        for department, link in y.links.items():
            if hmac.compare_digest(given, link["sha256"]) and y.state == st.OPEN and found is None:
                found = (department, y)
    return found
