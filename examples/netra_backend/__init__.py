"""Demo of the netra_backend layout from the seed issue (a miniature, runnable)."""
