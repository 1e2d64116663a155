"""What leaves the machine: the SPARQL endpoint, exports and the fact-level diff."""
