"""kvsched: proof-verification and bound-checking for KV-cache scheduling.

Core: :class:`Instance` (the model), :class:`Schedule`, the independent :func:`check`,
lower bounds, the non-clairvoyant :class:`CompletionOracle`, and the schedulers in
:mod:`kvsched.algorithms`. See ``docs/`` and SPEC.md for the model and conventions.
"""
from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("kvsched")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

from .errors import (InfeasibleScheduleError, InputFormatError, InvalidInstanceError,
                     KvschedError, OracleError)
from .instance import Instance
from .schedule import Schedule, memory_profile
from .checker import Report, check, is_feasible
from .lower_bounds import best_lower_bound, lb_area, lb_combined, lb_sum_o
from .oracle import CompletionOracle, Event
from .loaders import load_instance

__all__ = ["__version__", "Instance", "Schedule", "Report", "check", "is_feasible",
           "memory_profile", "best_lower_bound", "lb_area", "lb_combined", "lb_sum_o",
           "CompletionOracle", "Event", "load_instance", "KvschedError",
           "InvalidInstanceError", "InputFormatError", "InfeasibleScheduleError",
           "OracleError"]
