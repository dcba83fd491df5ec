"""The domain of sohoa: dossiers, documents (papers), pages, OCR results, and our one error tree.

Every other package may import `models`; `models` imports nothing of ours.
"""
