"""A KPI's line chart drawn as a PNG picture (Pillow), for the publication copy of a trend workbook.

The picture shows what the workbook's chart shows: the title, the unit, the years, the actuals
(a solid line with markers: a single reported year still shows), the baseline (dashed) and the
target (dotted) as flat lines, and a legend. Same series → same bytes (no time, no metadata).
"""
from __future__ import annotations

import io
import math
import shutil
import subprocess
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1240, 770  # 12.4 × 7.7 cm at 100 px a centimetre (254 dpi)
COLOURS = ((68, 114, 196), (192, 0, 0), (84, 130, 53))  # actual, baseline, target
DASHES = (None, (24, 12), (6, 8))
# a Japanese face for the picture's text: the free face the workbook's ＭＳ ゴシック maps to
FACES = (Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"),
         Path("/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"))


@cache
def _face_path() -> str | None:
    for p in FACES:
        if p.is_file():
            return str(p)
    if shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "-f", "%{file}", "IPAGothic:lang=ja"], capture_output=True,
                               text=True, check=False).stdout.strip()
        if found and Path(found).is_file():
            return found
    return None


@cache
def font(size: int):
    path = _face_path()
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


def _number(v) -> float | None:
    if v is None or v == "":
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def nice_ticks(low: float, high: float, count: int = 6) -> list[float]:
    """Round tick values covering low…high."""
    if high == low:
        high, low = high + (abs(high) or 1) * 0.1, low - (abs(low) or 1) * 0.1
    raw = (high - low) / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(low / step) * step
    ticks, v = [], start
    while v < high + step * 0.999:
        ticks.append(round(v, 10))
        v += step
    return ticks


def _label(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")


def _line(draw, points, colour, dash, width=5) -> None:
    for (x0, y0), (x1, y1) in pairwise(points):
        if dash is None:
            draw.line([(x0, y0), (x1, y1)], fill=colour, width=width)
            continue
        length = math.hypot(x1 - x0, y1 - y0)
        on, off = dash
        t = 0.0
        while t < length:
            t1 = min(t + on, length)
            draw.line([(x0 + (x1 - x0) * t / length, y0 + (y1 - y0) * t / length),
                       (x0 + (x1 - x0) * t1 / length, y0 + (y1 - y0) * t1 / length)], fill=colour, width=width)
            t += on + off


def draw(chart: dict) -> bytes:
    """The PNG of one chart: {"title", "unit", "categories", "series": [(name, values) × 3]}."""
    return _drawn(chart["title"], chart.get("unit") or "", tuple(chart["categories"] or ()),
                  tuple((name, tuple(values)) for name, values in chart["series"]))


# A --pdf build of every year draws the same chart again where a KPI's series did not change from one year's
# trend workbook to the next (79 different pictures of 118 for the shipped data): the same series, the same
# bytes, so each is drawn once a process (PNG encoding is most of a chart's cost). Bounded: a picture is 20–55 KB.
@lru_cache(maxsize=256)
def _drawn(title: str, unit: str, categories: tuple, series: tuple) -> bytes:
    chart = {"title": title, "unit": unit, "categories": list(categories), "series": series}
    img = Image.new("RGB", (WIDTH, HEIGHT), "white")
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, WIDTH - 1, HEIGHT - 1], outline=(160, 160, 160), width=3)
    title_font, text_font = font(44), font(28)
    d.text((WIDTH // 2, 24), chart["title"], font=title_font, fill="black", anchor="ma")
    series = [(name, [_number(v) for v in values]) for name, values in chart["series"]]
    values = [v for _, vs in series for v in vs if v is not None]
    ticks = nice_ticks(min(values), max(values)) if values else [0.0, 1.0]
    left, top, right, bottom = 150, 110, WIDTH - 250, HEIGHT - 80
    if chart.get("unit"):
        d.text((24, top - 44), chart["unit"], font=text_font, fill="black")
    lo, hi = ticks[0], ticks[-1]

    def y(v: float) -> float:
        return bottom - (v - lo) / (hi - lo) * (bottom - top) if hi != lo else (top + bottom) / 2

    for t in ticks:
        d.line([(left, y(t)), (right, y(t))], fill=(217, 217, 217), width=2)
        d.text((left - 12, y(t)), _label(t), font=text_font, fill="black", anchor="rm")
    d.line([(left, top), (left, bottom), (right, bottom)], fill=(89, 89, 89), width=2)
    cats = chart["categories"] or [""] * max((len(vs) for _, vs in series), default=1)
    n = max(1, len(cats))
    xs = [left + (right - left) * (i + 0.5) / n for i in range(n)]
    for x, cat in zip(xs, cats):
        d.text((x, bottom + 14), cat, font=text_font, fill="black", anchor="ma")
    for k, (name, vs) in enumerate(series):
        colour, dash = COLOURS[k % 3], DASHES[k % 3]
        run: list[tuple[float, float]] = []
        for x, v in zip(xs, vs):
            if v is None:
                _line(d, run, colour, dash)
                run = []
            else:
                run.append((x, y(v)))
        _line(d, run, colour, dash)
        if k == 0:
            for x, v in zip(xs, vs):
                if v is not None:
                    d.ellipse([x - 10, y(v) - 10, x + 10, y(v) + 10], fill="white", outline=colour, width=5)
        ly = top + 40 + k * 50
        _line(d, [(right + 24, ly), (right + 84, ly)], colour, dash)
        d.text((right + 96, ly), name, font=text_font, fill="black", anchor="lm")
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1)  # a fast encoding: the PDF compresses it anew
    return buf.getvalue()
