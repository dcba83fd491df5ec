"""Know the paper: its kind and key fields, read from a recognised document (pure, no I/O)."""

from ocr.papers.read import read_paper

__all__ = ["read_paper"]
