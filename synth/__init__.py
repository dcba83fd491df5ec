"""Synthetic Vietnamese pages with exact ground truth, for tests and benchmarks.

`render` lays out administrative pages; `degrade` turns them into the scans and phone photos we
get (each condition seeded, with the geometry it applied recorded for pipeline tests). `hard`
adds the field's hard cases (security paper, third-generation copies with black edges, a
citizen's card on a flatbed or photographed, far photos with a hard shadow, any of them turned)
and `python -m synth.hardset --out DIR` writes them with transcripts for `bench.outside --set`.
`corpus_sample.txt` is 400 paragraphs drawn (seeded) from the shared vn-legal-corpus: Vietnamese
legal normative texts, not protected by copyright (Law on Intellectual Property 50/2005/QH11,
Art. 15(2)); see docs/data-sources.md for the sources and how the sample was drawn.
"""
