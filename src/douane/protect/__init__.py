"""Protected documents and tables: register them as keyed fingerprints and load the index."""

__all__: list[str] = []
