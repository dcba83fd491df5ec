"""The search index: one table of page rows beside the catalog, matched by SQLite FTS5 or by
PostgreSQL full text, chosen by the catalog's database URL (`engines.open_index`)."""
