"""One parser module per format family: bytes in, `Parsed` out (no file I/O, no clean-up).

Heavy libraries (python-docx, bs4, pypdf) are imported inside the parsers: `ask` reads no documents.
"""
