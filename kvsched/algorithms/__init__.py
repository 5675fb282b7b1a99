"""Schedulers. Importing this package registers every algorithm in :data:`REGISTRY`.

Each module registers its schedulers with :func:`register`; add new modules to the import
list below.
"""
from .base import (REGISTRY, AlgorithmOutput, AlgorithmSpec, RoundRecord, RunResult,
                   get_algorithm, register, run_algorithm)
from . import sequential  # noqa: F401  (registers sequential_spt, sequential_nc)
from . import gba  # noqa: F401
from . import gsa  # noqa: F401
from . import baselines  # noqa: F401
from . import gsa_variants  # noqa: F401  (issue 15: gsa_pj, gsa_elastic, ...)
from . import gba_list  # noqa: F401  (issue 12: GBA-LIST, provable round length)

__all__ = ["REGISTRY", "AlgorithmOutput", "AlgorithmSpec", "RoundRecord", "RunResult",
           "get_algorithm", "register", "run_algorithm"]
