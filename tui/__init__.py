"""csms: a terminal app for Telenor Pakistan Corporate Call & SMS accounts."""

__version__ = "0.1.0"
