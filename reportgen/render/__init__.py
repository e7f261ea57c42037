"""Renderers: the only modules that import docxtpl or openpyxl."""
