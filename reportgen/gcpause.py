"""The garbage collector's pause, where the loader and the archive import it (it lives in fast/gc.py)."""
from .fast.gc import frozen, paused

__all__ = ["frozen", "paused"]
