"""The catalogue of named questions and the engines that answer them (embedded, rdflib, remote).

Imports only ``core`` and ``build``.
"""
