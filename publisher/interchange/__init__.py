"""File formats for exchanging translations: XLIFF 2.1, PO and TMX 1.4 (codecs only).

Readers parse and validate a file's own structure and return plain data
(`model.IncomingFile`, `model.TranslationUnit`); writers turn catalogs into
files. What an import may change in a release is decided in one place,
publisher/workflow/exchange.py, whatever the format.
"""

EXCHANGE_FORMATS = ("xliff", "po")
