"""armtrace: mark, record and trace small arms and light weapons."""

__version__ = "0.1.0"
