"""Rendering: what templates receive (`model`: the publication, kept off the publishing
tier), templates to HTML (`templating`, `html`) and to PDF through WeasyPrint (`pdf`),
fonts per language, Khmer line breaks, the PDF text layer, photo renditions (`images`) and
photo files reduced to their image data (`image_segments`)."""
