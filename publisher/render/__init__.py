"""Rendering helpers for the PDF edition: Khmer line breaks, the PDF text layer, fonts."""
