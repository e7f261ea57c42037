"""OOXML packages made byte-reproducible: zip entry order and times, core and app properties."""
