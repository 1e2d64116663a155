"""Sources to a checked dataset: strict loading, typed records, IRIs, the RDF graph, validation.

Imports only ``core``.
"""
