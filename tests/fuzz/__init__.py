"""A mutation fuzzer over the curated source set: ``mutations`` makes the cases, ``worker``
loads each one in a separate process, ``campaign`` runs them under a time bound and counts
what happened. The suite runs a fixed-seed campaign; ``bench/reliability.py`` runs larger ones."""
