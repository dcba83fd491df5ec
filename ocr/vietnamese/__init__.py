"""Vietnamese-aware text: the stored form of syllables and the correction of misread marks.

Pure functions over `Word` values and strings; the shipped syllable model is read once.
"""
