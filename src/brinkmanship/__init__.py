"""brinkmanship: probability of war in a nuclear crisis, by path, under each diplomatic lever."""

__version__ = "0.1.0"
