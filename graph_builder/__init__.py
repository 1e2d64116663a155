"""sco-kg: a cited knowledge graph of the Shanghai Cooperation Organisation.

The public API is imported lazily, so the command line starts without loading what a
command does not use.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "KnowledgeGraph": "api",
    "list_queries": "api",
    "Result": "results",
    "build": "build",
    "build_dataset": "build",
    "load_sources": "load",
    "validate_dataset": "validate",
    "ScoKgError": "errors",
    "SourceError": "errors",
    "QueryError": "errors",
    "ValidationError": "errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'graph_builder' has no attribute '{name}'")
