"""The catalog: what dossiers, documents and pages exist, and where each one is on its way."""
