"""E-mail mechanics that know nothing of releases: the [smtp] settings, RFC 2047 headers,
MIME messages, the HTML part and the SMTP transport. Sending a release is the publishing
tier's builder (publisher/publishing/builders/send.py)."""
