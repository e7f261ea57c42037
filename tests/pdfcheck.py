"""What a reader of a PDF meets, read from the file itself: each shown string's glyphs with their
printed size and whether they are tagged content, an artifact or neither (pikepdf); the structure
tree's elements; the text in content-stream order (pdftotext -raw); ink in a rendered box (pdftoppm)."""
from __future__ import annotations

import hashlib
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf


@dataclass
class Shown:
    """One string a page shows: glyphs, size in points as printed, and how it is marked."""

    page: int
    glyphs: int
    size: float
    mark: str  # "tagged" (inside marked content with an MCID), "artifact", or "untagged"


def _mul(m, n):
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _glyphs(operand, two_byte: bool) -> int:
    if isinstance(operand, pikepdf.Array):
        return sum(_glyphs(x, two_byte) for x in operand if isinstance(x, pikepdf.String))
    if isinstance(operand, pikepdf.String):
        n = len(bytes(operand))
        return n // 2 if two_byte else n
    return 0


# The operators shown() follows; pikepdf leaves out the rest (paths, colours: 28% of the published PDFs'
# operators) before Python sees them: the same strings, 16% less time
OPERATORS = "q Q cm BT Tm Td TD Tf BMC BDC EMC Tj TJ ' \" Do"


def shown(pdf: pikepdf.Pdf) -> list[Shown]:
    """Every string every page shows (in page content and its form XObjects)."""
    out: list[Shown] = []

    def walk(page_no: int, stream_owner, resources, ctm, marks: list[str]) -> None:
        fonts = resources.get("/Font", {}) if resources is not None else {}
        xobjects = resources.get("/XObject", {}) if resources is not None else {}
        stack, tm, font, size = [], (1, 0, 0, 1, 0, 0), None, 0.0
        marks = list(marks)
        for operands, op in pikepdf.parse_content_stream(stream_owner, OPERATORS):
            op = str(op)
            if op == "q":
                stack.append(ctm)
            elif op == "Q":
                ctm = stack.pop() if stack else ctm
            elif op == "cm":
                ctm = _mul(tuple(float(x) for x in operands), ctm)
            elif op == "BT":
                tm = (1, 0, 0, 1, 0, 0)
            elif op == "Tm":
                tm = tuple(float(x) for x in operands)
            elif op in ("Td", "TD"):
                tm = _mul((1, 0, 0, 1, float(operands[0]), float(operands[1])), tm)
            elif op == "Tf":
                font, size = fonts.get(str(operands[0])), float(operands[1])
            elif op == "BMC":
                marks.append("artifact" if operands[0] == "/Artifact" else "plain")
            elif op == "BDC":
                props = operands[1]
                if operands[0] == "/Artifact":
                    marks.append("artifact")
                elif isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                    marks.append("tagged")
                else:
                    marks.append("plain")
            elif op == "EMC":
                if marks:
                    marks.pop()
            elif op in ("Tj", "TJ", "'", '"'):
                two = font is not None and font.get("/Subtype") == "/Type0"
                m = _mul(tm, ctm)
                scale = abs(m[0] * m[3] - m[1] * m[2]) ** 0.5
                mark = next((k for k in reversed(marks) if k != "plain"), "untagged")
                out.append(Shown(page_no, _glyphs(operands[-1], two), size * scale, mark))
            elif op == "Do":
                xo = xobjects.get(str(operands[0]))
                if xo is not None and xo.get("/Subtype") == "/Form":
                    matrix = tuple(float(x) for x in xo.get("/Matrix", [1, 0, 0, 1, 0, 0]))
                    walk(page_no, xo, xo.get("/Resources", resources), _mul(matrix, ctm), marks)

    for n, page in enumerate(pdf.pages, 1):
        walk(n, page, page.obj.get("/Resources"), (1, 0, 0, 1, 0, 0), [])
    return out


_SHOWN: dict[str, list[Shown]] = {}


def shown_in(path: Path) -> list[Shown]:
    """shown() of the PDF at `path`, parsed once a process for the same bytes: several tests read every
    string of the same published PDFs (their tags, their sizes), and parsing every page's content
    stream in Python is the dearest part of reading them."""
    key = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    if key not in _SHOWN:
        with pikepdf.open(path) as doc:
            _SHOWN[key] = shown(doc)
    return _SHOWN[key]


def elements(node, kind: str | None = None) -> list:
    """Structure elements under `node` in tree order (every one, or those of type `kind`)."""
    found = []

    def walk(n) -> None:
        if isinstance(n, pikepdf.Array):
            for k in n:
                walk(k)
        elif isinstance(n, pikepdf.Dictionary) and "/S" in n and n.get("/Type", "/StructElem") == "/StructElem":
            if kind is None or n.get("/S") == kind:
                found.append(n)
            if "/K" in n:
                walk(n.K)
        elif isinstance(n, pikepdf.Dictionary) and "/K" in n:
            walk(n.K)

    walk(node)
    return found


def role(pdf: pikepdf.Pdf, element) -> str:
    """An element's standard type: its own, or where the RoleMap sends it."""
    s = str(element.S)
    rolemap = pdf.Root.StructTreeRoot.get("/RoleMap", {})
    seen = set()
    while s in rolemap and s not in seen:
        seen.add(s)
        s = str(rolemap[s])
    return s


_RAW: dict[tuple[str, int | None, int | None], list[str]] = {}


def raw_text(path, first: int | None = None, last: int | None = None) -> list[str]:
    """Each page's text in content-stream order; read once a process for the same bytes (and pages): six checks
    read the text of every published PDF, one pdftotext each cost 2 s more a run."""
    key = (hashlib.sha256(Path(path).read_bytes()).hexdigest(), first, last)
    if key not in _RAW:
        cmd = ["pdftotext", "-raw", "-enc", "UTF-8"]
        if first:
            cmd += ["-f", str(first), "-l", str(last or first)]
        _RAW[key] = subprocess.run([*cmd, str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split("\f")[:-1]
    return list(_RAW[key])


def _pgm(data: bytes) -> tuple[int, int, bytes]:
    """(width, height, one byte a pixel) of a binary PGM: "P5\n<w> <h>\n255\n" then the pixels."""
    header_end = 0
    for _ in range(3):
        header_end = data.index(b"\n", header_end) + 1
    width, height = (int(v) for v in data.split(b"\n", 2)[1].split())
    return width, height, data[header_end:]


def inks(path, boxes: dict[int, tuple[float, float, float, float]], dpi: int = 100) -> dict[int, int]:
    """Dark pixels in a box on each of several pages ({page: (x0, y0, x1, y1) in points from the top left}), the page
    rendered at `dpi`. One pdftoppm for the PDF (one a page cost 2.3 s more over the published PDFs): it renders the
    box that holds them all, on every page from the first to the last asked, and each page's box is counted in that
    picture: the same pixels as a render of that box alone, as a slice of a page is drawn on the whole page's grid
    (compared on every page number of the published PDFs)."""
    k = dpi / 72
    x0, y0 = int(min(b[0] for b in boxes.values()) * k), int(min(b[1] for b in boxes.values()) * k)
    x1 = max(int(b[0] * k) + max(1, int((b[2] - b[0]) * k)) for b in boxes.values())
    y1 = max(int(b[1] * k) + max(1, int((b[3] - b[1]) * k)) for b in boxes.values())
    first, last = min(boxes), max(boxes)
    with tempfile.TemporaryDirectory(prefix="pdfcheck-") as tmp:
        subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(first), "-l", str(last), "-x", str(x0),
                        "-y", str(y0), "-W", str(x1 - x0), "-H", str(y1 - y0), str(path), f"{tmp}/p"],
                       capture_output=True, check=True)
        rendered = {int(f.stem.rsplit("-", 1)[1]): _pgm(f.read_bytes()) for f in Path(tmp).glob("p-*.pgm")}
    counts = {}
    for page, (bx0, by0, bx1, by1) in boxes.items():
        width, height, pixels = rendered[page]
        left, top = int(bx0 * k) - x0, int(by0 * k) - y0
        right, bottom = left + max(1, int((bx1 - bx0) * k)), top + max(1, int((by1 - by0) * k))
        counts[page] = sum(1 for row in range(top, min(bottom, height))
                           for b in pixels[row * width + left:row * width + min(right, width)] if b < 128)
    return counts


MIN_PT = 8.0  # the smallest type a published page may print


def small_type(pdf_path) -> list[tuple[int, float]]:
    """(page, size) of every text shown below MIN_PT, as the page scales it (fit-to-page included)."""
    return sorted({(s.page, round(s.size, 1)) for s in shown_in(pdf_path) if s.glyphs and s.size < MIN_PT - 0.05})
