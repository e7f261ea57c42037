"""Renderers: the only modules that import docxtpl or openpyxl (their speed shortcuts live in reportgen/fast/)."""
from reportgen.fast import OFF, SHORTCUTS

REFERENCE_PATHS = OFF >= set(SHORTCUTS)  # REPORTGEN_REFERENCE_PATHS=1: the libraries' own code throughout
