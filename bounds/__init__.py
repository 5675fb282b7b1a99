"""bounds: the GSA/GBA ratio expressions derived symbolically from named lemmas (sympy).

>>> import bounds
>>> bounds.ratio_expression("gba", "large")
alpha**3/(alpha - 1)**2
"""
from .algebra import alpha
from .derive import (ALGORITHMS, PUBLISHED, REGIMES, Derivation, derive, derive_all,
                     ratio_expression, ratio_value)


def ledger(n_instances: int = 0, seed: int = 0, out_dir=None) -> list[dict]:
    """The records ``kvsched bounds --json`` prints (see :mod:`bounds.ledger`)."""
    from .ledger import ledger as _ledger
    return _ledger(n_instances=n_instances, seed=seed, out_dir=out_dir)


__all__ = ["alpha", "ALGORITHMS", "REGIMES", "PUBLISHED", "Derivation", "derive",
           "derive_all", "ratio_expression", "ratio_value", "ledger"]
