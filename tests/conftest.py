"""Shared fixtures: the real graph built once per session, opened on both embedded engines."""

from __future__ import annotations

import pytest

from graph_builder.api import KnowledgeGraph
from graph_builder.build import BuildResult, build
from graph_builder.paths import built_dataset, default_build_dir


@pytest.fixture(scope="session")
def built() -> BuildResult:
    """The real graph, built and validated into the session's build folder."""
    return build(out_dir=default_build_dir())


@pytest.fixture(scope="session")
def kg(built: BuildResult) -> KnowledgeGraph:
    return KnowledgeGraph.open(built_dataset(built.out_dir))


@pytest.fixture(scope="session")
def engines(built: BuildResult) -> dict[str, KnowledgeGraph]:
    path = built_dataset(built.out_dir)
    return {name: KnowledgeGraph.open(path, engine=name) for name in ("oxigraph", "rdflib")}
