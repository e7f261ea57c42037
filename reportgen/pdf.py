"""PDF through LibreOffice: one headless process converts a whole batch."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .problems import Msg, UsageError


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_batch(paths: list[Path], fmt: str = "pdf", timeout: int = 900) -> list[bytes]:
    """Convert every file with one LibreOffice process; return the converted bytes in order."""
    exe = soffice()
    if exe is None:
        raise UsageError(Msg(ja="PDF 作成には LibreOffice（soffice）が必要です",
                             en="--pdf needs LibreOffice (soffice) on the PATH"))
    if not paths:
        return []
    with tempfile.TemporaryDirectory(prefix="reportgen-lo-") as tmp:
        work = Path(tmp)
        names = []
        for i, p in enumerate(paths):  # numbered copies: names never collide, whatever the years
            name = f"{i:05d}{p.suffix}"
            shutil.copyfile(p, work / name)
            names.append(name)
        profile = work / "profile"
        cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--convert-to", fmt, "--outdir", str(work / "out"), *names]
        proc = subprocess.run(cmd, cwd=work, capture_output=True, timeout=timeout,
                              env={**os.environ, "HOME": str(work)})
        results = []
        for name in names:
            out = work / "out" / (Path(name).stem + "." + fmt.split(":")[0])
            if not out.is_file():
                raise RuntimeError(f"LibreOffice did not convert {name}: {proc.stderr.decode(errors='replace')[-500:]}")
            results.append(out.read_bytes())
        return results
