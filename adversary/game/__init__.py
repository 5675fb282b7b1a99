"""The game value of a tiny family: the best ratio any deterministic non-clairvoyant policy
can guarantee (issue 13, part 4).

A *family* is public data ``(M, s_1..s_n)`` and the output lengths
``o_i in {1..U_i}``, ``U_i = min(L, M - s_i)``. The value is

    V = min over deterministic non-clairvoyant policies P of max over o of P(o) / OPT(o),

with ``OPT(o)`` the exact clairvoyant optimum. ``V`` is a lower bound on the worst ratio of
every non-clairvoyant algorithm on the family (GSA included), since each such algorithm is
one policy P. Modules: :mod:`.family` (the family, exact OPT per o-vector, the worst ratio
of a registered algorithm), :mod:`.search` (the exact value by bisection with an AND-OR
search), :mod:`.brute` (an independent brute force over all policies, for tests),
:mod:`.tree` (the optimal policy's decision tree as JSON and as a drawing), :mod:`.report`
(saved results and the docs table). The argument is in ``docs/game.md``.
"""
from .family import Family, algorithm_worst, opt_table
from .search import GameResult, game_value

__all__ = ["Family", "GameResult", "algorithm_worst", "game_value", "opt_table"]
