"""Benchmark of --pdf: seconds per PDF page, and how much of it a warm LibreOffice could save.

    python3 bench/pdf.py                 # the shipped data, 3 runs
    python3 bench/pdf.py --scale 10      # SYNTHETIC data (bench/synth.py), 10x the shipped data
    python3 bench/pdf.py --runs 5

Builds the archive once without PDFs, then converts every published document the way `--pdf` does
(reportgen.archive.pdf.convert_batch: one LibreOffice process for the batch) --runs times, alternating
with the conversion of a one-page document, which costs what any run costs before its first page
(starting LibreOffice with a fresh profile, loading the filters): that start is all a warm
LibreOffice (unoserver, a listening soffice) could save. Prints each run, the best, pages, seconds
per page with and without the start, and the start's share. The machine is shared: compare runs
made in turn, not with other days.
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from reportgen.archive.build import build  # noqa: E402
from reportgen.archive.pdf import convert_batch  # noqa: E402


def pages(pdf: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return len(doc.pages)


def one_page_document(folder: Path) -> Path:
    from docx import Document

    path = folder / "one.docx"
    doc = Document()
    doc.add_paragraph("一ページの文書")
    doc.save(path)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, default=1, help="k x the shipped data (SYNTHETIC when k > 1)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        work = Path(tmp)
        data = ROOT / "data"
        if args.scale > 1:
            import synth

            data = synth.generate(ROOT / "data", work / "data", args.scale)
        out = work / "out"
        result = build(data, out)
        sources = [out / r.folder / f["path"] for r in result.years for f in r.files if f["publish"]]
        tiny = one_page_document(work)
        batch, start = [], []
        n_pages = 0
        for i in range(args.runs):
            t = time.perf_counter()
            convert_batch([tiny])
            start.append(time.perf_counter() - t)
            t = time.perf_counter()
            pdfs = convert_batch(sources)
            batch.append(time.perf_counter() - t)
            n_pages = sum(pages(p) for p in pdfs)
            print(f"run {i + 1}: batch {batch[-1]:.2f} s ({len(sources)} documents, {n_pages} pages), "
                  f"one-page document {start[-1]:.2f} s", flush=True)
    best, first = min(batch), min(start)
    print(f"\ndata: {'SYNTHETIC ' + str(args.scale) + 'x' if args.scale > 1 else 'shipped'}; "
          f"{len(sources)} published documents, {n_pages} PDF pages, one LibreOffice process per batch")
    print(f"batch: best {best:.2f} s, median {statistics.median(batch):.2f} s")
    print(f"seconds per PDF page: {best / n_pages:.3f} (whole batch), "
          f"{max(best - first, 0) / n_pages:.3f} (without LibreOffice's start)")
    print(f"LibreOffice's start (one-page document, best): {first:.2f} s = {first / best:.0%} of the batch; "
          f"a warm LibreOffice saves at most that: {'would' if first >= best / 2 else 'would not'} halve a rebuild")
    return 0


if __name__ == "__main__":
    sys.exit(main())
