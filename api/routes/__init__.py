"""Routers of the versioned API (`/api/v1`)."""
