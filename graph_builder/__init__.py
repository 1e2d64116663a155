"""sco-kg: a cited knowledge graph of the Shanghai Cooperation Organisation.

The package's folders are the pipeline, bottom to top: ``core`` (what every stage shares),
``build`` (sources to a checked dataset), ``query`` (catalogue and engines), ``api``
(``KnowledgeGraph``), then the features that take a ``KnowledgeGraph``: ``explore`` (pictures and
graph analytics), ``link`` (Wikidata and news text) and ``publish`` (what leaves the machine).

The public API is imported lazily, so the command line starts without loading what a command
does not use.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from .core.version import __version__

_EXPORTS = {
    "KnowledgeGraph": "api",
    "list_queries": "api",
    "Result": "query.results",
    "build_dataset": "build.graph",
    "load_sources": "build.load",
    "validate_dataset": "build.validate",
    "check_text": "link.textcheck",
    "ScoKgError": "core.errors",
    "SourceError": "core.errors",
    "QueryError": "core.errors",
    "ValidationError": "core.errors",
}

__all__ = sorted(["__version__", *_EXPORTS])


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'graph_builder' has no attribute '{name}'")
