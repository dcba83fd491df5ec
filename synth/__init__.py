"""Synthetic Vietnamese pages with exact ground truth, for tests and benchmarks.

`render` lays out administrative pages; `degrade` turns them into the scans and phone photos we
get (each condition seeded, with the geometry it applied recorded for pipeline tests).
`corpus_sample.txt` is 400 paragraphs drawn (seeded) from the shared vn-legal-corpus: Vietnamese
legal normative texts, not protected by copyright (Law on Intellectual Property 50/2005/QH11,
Art. 15(2)); see docs/data-sources.md for the sources and how the sample was drawn.
"""
