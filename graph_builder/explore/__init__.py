"""Pictures and graph analytics, each given a ``KnowledgeGraph``: networkx mapping, views, plots."""
