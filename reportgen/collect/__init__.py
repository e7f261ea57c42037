"""Returned forms back into data/: read (untrusted), judge with the model's rules, three-way merge, write back."""
