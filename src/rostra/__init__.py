"""rostra: publish a conference's speeches in every language its audience reads."""

__version__ = "0.1.0"
