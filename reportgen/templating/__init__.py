"""Which templates and labels a build uses: the shipped set, a data folder's overrides, the labels read."""
