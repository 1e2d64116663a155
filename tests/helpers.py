"""Paths shared by the tests."""

from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
VALID_SOURCES = FIXTURES / "sources" / "valid"
GOLDEN = Path(__file__).parent / "golden"
