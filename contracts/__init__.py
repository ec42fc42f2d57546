"""ssot-imports: custom import-linter contracts that give every shared object one import path."""

__version__ = "0.1.0"
