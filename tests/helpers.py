"""Paths shared by the tests."""

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
VALID_SOURCES = FIXTURES / "sources" / "valid"
GOLDEN = Path(__file__).parent / "golden"
