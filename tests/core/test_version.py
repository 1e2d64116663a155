"""One version number, in one place: the package metadata, the CLI, the ontology and the citation
all read or repeat core/version.py, and a test keeps the copies equal."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import yaml
from helpers import CHECKOUT
from rdflib import OWL, Graph, URIRef

from graph_builder.core.paths import ONTOLOGY_FILE
from graph_builder.core.version import __version__

ONTOLOGY = URIRef("https://w3id.org/sco-kg/ontology")


def test_the_package_and_the_cli_report_the_version() -> None:
    assert version("sco-kg") == __version__
    done = subprocess.run([sys.executable, "-m", "graph_builder", "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"sco-kg {__version__}"


def test_the_ontology_and_the_citation_carry_the_same_version() -> None:
    ontology = Graph().parse(ONTOLOGY_FILE, format="turtle")
    assert str(ontology.value(ONTOLOGY, OWL.versionInfo)) == __version__
    assert ontology.value(ONTOLOGY, OWL.versionIRI) == URIRef(f"{ONTOLOGY}/{__version__}")
    citation = yaml.safe_load((CHECKOUT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["version"] == __version__ and citation["license"] == "CC-BY-4.0"


def test_code_and_data_licences_are_at_the_root() -> None:
    assert (CHECKOUT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert "https://creativecommons.org/licenses/by/4.0/" in (CHECKOUT / "LICENSE-DATA.md").read_text(encoding="utf-8")
