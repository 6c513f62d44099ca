"""qascore: SQuAD-style exact match and F1, exact to the official scorers."""

__version__ = "0.1.0"
