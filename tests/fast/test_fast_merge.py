"""fast.merge gives every cell of a merged range the borders and protection openpyxl's own merge_cells gives it.

A property over generated sheets: cells absent or present, with or without a style, each side of
each cell's border none, thin or medium, a range anywhere in a 5×5 sheet (one cell, a row, a
column, a block). Each branch of fast.merge has cases here that fail without it: the first cell
given a style, the last cell's right and bottom edges taken by the first, a side with no style
skipped, the edge cells given the first cell's sides, the inner cells' protection."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Border, Protection, Side

from reportgen.fast import openpyxl as fast

SIDES = st.sampled_from([None, "thin", "medium"])
BORDERS = st.builds(lambda l, r, t, b: Border(left=Side(style=l), right=Side(style=r), top=Side(style=t), bottom=Side(style=b)),
                    SIDES, SIDES, SIDES, SIDES)
# a cell: absent (None), present with no style ("plain"), or with a border (and maybe unlocked)
CELL = st.one_of(st.none(), st.just("plain"), st.tuples(BORDERS, st.booleans()))
GRID = st.lists(CELL, min_size=25, max_size=25)
RANGE = st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5), st.integers(1, 5)).map(
    lambda r: (min(r[0], r[2]), min(r[1], r[3]), max(r[0], r[2]), max(r[1], r[3])))


def sheet(grid):
    wb = Workbook()
    ws = wb.active
    for i, cell in enumerate(grid):
        row, col = divmod(i, 5)
        if cell == "plain":
            ws.cell(row=row + 1, column=col + 1)
        elif cell is not None:
            border, unlocked = cell
            c = ws.cell(row=row + 1, column=col + 1)
            c.border = border
            if unlocked:
                c.protection = Protection(locked=False)
    return ws


def seen(ws, box):
    """What a person's spreadsheet shows of each cell in the range: merged or not, its four sides, locked or not."""
    r1, c1, r2, c2 = box
    out = {}
    for row in range(1, 6):
        for col in range(1, 6):
            c = ws._cells.get((row, col))
            if c is None:
                out[row, col] = None
                continue
            b = c.border
            out[row, col] = (isinstance(c, MergedCell), b.left.style, b.right.style, b.top.style, b.bottom.style,
                             c.protection.locked)
    return out, sorted(str(r) for r in ws.merged_cells.ranges)


@settings(max_examples=150, deadline=None)
@given(GRID, RANGE)
def test_fast_merge_matches_openpyxls_merge_cells(grid, box):
    r1, c1, r2, c2 = box
    theirs = sheet(grid)
    theirs.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    ours = sheet(grid)
    fast.merge(ours, r1, c1, r2, c2)
    assert seen(ours, box) == seen(theirs, box)
