"""Use cases: intake, processing and queries, wiring `ocr` to `storage`.

`api/` and `cli/` call these; these never import them.
"""
