"""What every stage shares: errors, paths, controlled keys, the vocabulary, the version.

Imports nothing of the package above it.
"""
