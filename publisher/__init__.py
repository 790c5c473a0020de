"""Publish one press release in several languages, every translation reviewed."""

__version__ = "0.1.0"
