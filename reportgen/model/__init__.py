"""The data model and its loading: strict YAML, the typed model, data/'s lock, atomic writes and the cycle record."""
