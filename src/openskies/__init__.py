"""openskies: software for the Treaty on Open Skies (Helsinki, 24 March 1992)."""

__all__ = ["__version__"]
__version__ = "0.1.0"
