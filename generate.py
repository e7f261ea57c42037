"""Entry point: `python generate.py [build|collect|verify] …` (see --help)."""
import sys

from reportgen.cli import main

if __name__ == "__main__":
    sys.exit(main())
