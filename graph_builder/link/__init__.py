"""The outside world: Wikidata (check, enrich, diff) and news text (mentions and claims)."""
