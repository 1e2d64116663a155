"""Every path the package uses, spelled once.

In a checkout the ontology and queries live at the top level; in an installed wheel they are
force-included under ``graph_builder/_data``. Sources always live inside the package.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
_CHECKOUT = PACKAGE_DIR.parent
_DATA = PACKAGE_DIR / "_data"


def _data_dir(name: str) -> Path:
    checkout = _CHECKOUT / name
    return checkout if checkout.is_dir() else _DATA / name


def _data_file(name: str) -> Path:
    checkout = _CHECKOUT / name
    return checkout if checkout.is_file() else _DATA / name


ONTOLOGY_DIR = _data_dir("ontology")
QUERIES_DIR = _data_dir("queries")
SOURCES_DIR = PACKAGE_DIR / "sources"

ONTOLOGY_FILE = ONTOLOGY_DIR / "sco.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
CHECKS_DIR = QUERIES_DIR / "checks"
BIBLIOGRAPHY_FILE = SOURCES_DIR / "bibliography.yaml"
QUERY_PAGE_FILE = PACKAGE_DIR / "publish" / "page.html"
VIEW_TEMPLATE_FILE = PACKAGE_DIR / "explore" / "view.html"

# The data licence and citation a release carries.
LICENSE_DATA_FILE = _data_file("LICENSE-DATA.md")
CITATION_FILE = _data_file("CITATION.cff")

BUILD_BASENAME = "sco"


def default_build_dir() -> Path:
    """The build folder: ``$SCO_KG_BUILD_DIR`` or ``./build`` of the working directory."""
    return Path(os.environ.get("SCO_KG_BUILD_DIR", "build"))


def built_dataset(build_dir: Path | None = None) -> Path:
    """The TriG file a build writes and every query reads."""
    return (build_dir or default_build_dir()) / f"{BUILD_BASENAME}.trig"


def enrichment_dir() -> Path:
    """Generated source files (``sco-kg wikidata enrich``) that every build adds when present:
    ``$SCO_KG_ENRICH_DIR`` or the build folder's ``enrichment``."""
    explicit = os.environ.get("SCO_KG_ENRICH_DIR")
    return Path(explicit) if explicit else default_build_dir() / "enrichment"


def wikidata_cache_dir() -> Path:
    """Answers of the Wikidata Query Service kept between runs: ``$SCO_KG_CACHE_DIR`` or the
    build folder's ``cache/wikidata``."""
    explicit = os.environ.get("SCO_KG_CACHE_DIR")
    return Path(explicit) if explicit else default_build_dir() / "cache" / "wikidata"
