"""The ontology's documentation page, written by pyLODE: every class and property with its
labels, definitions, domains, ranges and restrictions, in one self-contained HTML file.

pyLODE is the documentation generator of the RDFLib project; a hand-written page would have to
redo its reading of OWL restrictions and SKOS/DCTERMS annotations. Its page needs nothing from
the network: the stylesheet is inline and the icons are data URIs.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from ..core.paths import ONTOLOGY_FILE


def ontology_page(path: Path = ONTOLOGY_FILE) -> bytes:
    """The documentation of the ontology file, regenerated when the file changes."""
    return _page(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=2)
def _page(path: Path, _mtime: int) -> bytes:
    from rdflib import RDF, RDFS, SKOS, Graph

    graph = Graph().parse(path, format="turtle")
    # pyLODE takes the last concept scheme it meets for the ontology itself; the schemes are
    # enumerations documented by their members, so the page is given the ontology without them
    graph.remove((None, RDF.type, SKOS.ConceptScheme))
    # pyLODE runs the labels of every language into one heading ("state国家государство"): the
    # page is in English, and the Chinese and Russian labels stay in the ontology's data
    for s, p, label in list(graph.triples((None, RDFS.label, None))):
        if getattr(label, "language", None) not in (None, "en"):
            graph.remove((s, p, label))
    # pyLODE configures the root logger (on import, and on its first log line); the
    # application's logging is put back as it was
    root = logging.getLogger()
    level, handlers, disabled = root.level, list(root.handlers), root.manager.disable
    logging.disable(logging.INFO)  # pyLODE reports every background file it reads
    try:
        from pylode import OntPub

        html = OntPub(ontology=graph).make_html()
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers
        logging.disable(disabled)
    return html.encode("utf-8")
