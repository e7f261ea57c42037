"""Renderers: the only modules that import docxtpl or openpyxl."""
import os

# REPORTGEN_REFERENCE_PATHS=1 sends every shortcut the renderers take for speed (merges, charts,
# sheets in memory, compiled templates kept) back through the libraries' own code; a test builds
# both ways and compares the bytes, which proves the shortcuts write the same files.
REFERENCE_PATHS = os.environ.get("REPORTGEN_REFERENCE_PATHS") == "1"
