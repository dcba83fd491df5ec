"""Recognition, pure: bytes or images in, `models.recognition` values out.

Tesseract, OpenCV, pdf2image and Pillow are used here and nowhere else. No database, no network,
no settings object: callers pass explicit arguments (`OcrOptions`).
"""
