"""The project's one version number: the package metadata and ``sco-kg --version`` read it here."""

__version__ = "0.1.0"
