"""bounds: the GSA/GBA ratio expressions derived symbolically from named lemmas (sympy)."""
