"""Templates and labels checked before anything is built: Jinja syntax, names the contexts provide."""
