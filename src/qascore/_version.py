"""The package version, in one place (setup.cfg reads it; signatures quote it)."""

__version__ = "0.1.0"
