"""The HTTP front door: FastAPI routes that translate requests into use cases and back."""
