"""The package's folders are the pipeline: a stage imports only itself and the stages below it,
and no module imports, even lazily inside a function, anything that imports it back."""

from __future__ import annotations

import ast
import importlib
import tomllib
from pathlib import Path

import networkx as nx
import pytest
from helpers import CHECKOUT

import graph_builder

PACKAGE = CHECKOUT / "graph_builder"
# Bottom to top; a module may import modules of its own stage or of a lower one.
STAGES = ["core", "build", "query", "api", "explore", "link", "publish", "cli"]
TOP_LEVEL_MODULES = {"__init__", "__main__", "api", "cli"}
# Test folders that hold tools across stages rather than one stage's tests.
TEST_TOOL_FOLDERS = {"fuzz"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package_of(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).parent.parts)


def _is_module(dotted: str) -> bool:
    tail = dotted.split(".")[1:]
    base = PACKAGE.joinpath(*tail)
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports_of(path: Path) -> set[str]:
    """Every module of the package that ``path`` imports, at any depth of its code."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "graph_builder")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = _package_of(path).split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            elif node.module and node.module.split(".")[0] == "graph_builder":
                base = node.module
            else:
                continue
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if _is_module(f"{base}.{alias.name}") else base)
    return {m for m in found if m != "graph_builder"}


def stage_of(module: str) -> int:
    """The stage's rank; the package itself and ``__main__`` sit above every stage."""
    parts = module.split(".")
    return STAGES.index(parts[1]) if len(parts) > 1 and parts[1] in STAGES else len(STAGES)


def import_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    for path in sorted(PACKAGE.rglob("*.py")):
        source = _module_name(path)
        graph.add_node(source)
        for target in imports_of(path):
            graph.add_edge(source, target)
    return graph


def test_the_walker_sees_relative_lazy_and_module_imports() -> None:
    found = imports_of(PACKAGE / "cli.py")
    assert {"graph_builder.api", "graph_builder.publish.serve", "graph_builder.core.errors"} <= found
    assert "graph_builder.build.iris" in imports_of(PACKAGE / "build" / "graph.py")


def test_no_import_climbs_a_stage() -> None:
    climbs = sorted(f"{s} -> {t}" for s, t in import_graph().edges if stage_of(t) > stage_of(s))
    assert climbs == []


def test_no_import_circle() -> None:
    graph = import_graph()
    graph.remove_edges_from([(s, t) for s, t in graph.edges if s == t])
    assert sorted(nx.simple_cycles(graph)) == []


def test_every_module_sits_in_a_stage() -> None:
    top = {p.stem for p in PACKAGE.glob("*.py")}
    folders = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert top == TOP_LEVEL_MODULES
    assert folders == set(STAGES) - {"api", "cli"}


def test_tests_follow_the_stages_and_are_collected() -> None:
    folders = {p.parent.name for p in (CHECKOUT / "tests").glob("*/test_*.py")}
    assert folders - TEST_TOOL_FOLDERS == set(STAGES) - {"api", "cli"}
    config = tomllib.loads((CHECKOUT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "build" not in config["tool"]["pytest"]["ini_options"]["norecursedirs"]


@pytest.mark.parametrize("name", graph_builder.__all__)
def test_public_names_resolve(name: str) -> None:
    assert getattr(graph_builder, name) is not None


def test_every_module_imports() -> None:
    for module in sorted(import_graph().nodes - {"graph_builder.__main__"}):
        importlib.import_module(module)
