"""Douane: customs for AI traffic."""

__version__ = "0.1.0"
