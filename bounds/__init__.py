"""bounds: the GSA/GBA ratio expressions derived symbolically from named lemmas (sympy).

>>> import bounds
>>> bounds.ratio_expression("gba", "large")
alpha**3/(alpha - 1)**2
"""
from .algebra import alpha
from .derive import (ALGORITHMS, PUBLISHED, REGIMES, Derivation, derive, derive_all,
                     ratio_expression, ratio_value)


def ledger(n_instances: int = 0, seed: int = 0, out_dir=None, evidence: bool = True
           ) -> list[dict]:
    """The records ``kvsched bounds --json`` prints: per chain a verdict, per lemma a status
    (rules: :mod:`bounds.status`; evidence: :mod:`bounds.evidence`; see
    :mod:`bounds.ledger`). ``n_instances`` extra seeded random instances; ``evidence=False``
    for the symbolic part only."""
    from .ledger import ledger as _ledger
    return _ledger(n_instances=n_instances, seed=seed, out_dir=out_dir, evidence=evidence)


__all__ = ["alpha", "ALGORITHMS", "REGIMES", "PUBLISHED", "Derivation", "derive",
           "derive_all", "ratio_expression", "ratio_value", "ledger"]
