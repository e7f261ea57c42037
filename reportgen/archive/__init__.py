"""The yearly archive: build every year into staging, manifest, atomic publication, PDF, verify."""
