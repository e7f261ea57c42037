"""Make the README's pictures from the published PDFs: build every year with --pdf (as a city
publishes it: mapped typefaces, tagged), then the chosen page of each PDF to PNG.

    python3 scripts/readme_images.py      (needs LibreOffice, pikepdf and poppler's pdftoppm)
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reportgen.archive.build import build  # noqa: E402

PAGES = {  # picture name: (PDF in the archive, page)
    "target_list": ("2017_H29/01_対象事業一覧_平成29年度.pdf", 1),
    "evaluation_table": ("2017_H29/02_実施事業評価等入力表_平成29年度.pdf", 1),
    "kpi_trend": ("2024_R6/03_KPI目標値達成状況推移_令和6年度.pdf", 1),
    "pledge_list": ("2023_R5/04_市長公約進捗状況一覧表_令和5年9月末.pdf", 1),
}


def main() -> int:
    images = ROOT / "docs" / "images"
    images.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        build(ROOT / "data", out, pdf=True)
        for name, (path, page) in PAGES.items():
            subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", str(page), "-l", str(page), "-singlefile",
                            str(out / path), str(Path(tmp) / name)], check=True)
            shutil.copyfile(Path(tmp) / f"{name}.png", images / f"{name}.png")
            print(images / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
