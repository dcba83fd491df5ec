"""The command line, sohoa's other front door beside the API."""
