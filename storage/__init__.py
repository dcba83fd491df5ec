"""Adapters: the object store (local folder; MinIO/S3) and the catalog (SQLAlchemy: SQLite, PostgreSQL).

Each adapter turns its library's errors into `models.errors` classes.
"""
