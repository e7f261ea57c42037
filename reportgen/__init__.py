"""reportgen: a city planning office's strategy documents (Word, Excel, PDF) built from data files."""

__version__ = "0.1.0"
