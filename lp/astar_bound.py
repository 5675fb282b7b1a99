"""The admissible bound of :mod:`lp.astar` (its docstring proves each term): the area
bound on top of the running jobs' committed profile, the earliest-fit ends ``e_i + o_i``,
and the tail of the conflict cliques, per completion rank; and the conflict graph itself
(:func:`max_overlap`, :func:`conflict_cliques`), which :mod:`lp.cpsat_backend` also
uses.

``h`` and ``tail`` are methods of ``lp.astar._Search`` (assigned there), written here with
``self`` the search: they read its cached per-running-set data (``self.info``)."""
from __future__ import annotations

from bisect import bisect_left

from kvsched.instance import Instance


def max_overlap(s_i: int, o_i: int, s_j: int, o_j: int, M: int) -> int:
    """The most steps jobs ``i`` and ``j`` can share in any schedule. With ``j`` started
    ``d`` steps after ``i`` (``0 <= d < o_i``) they share steps ``u = d .. min(o_i, d+o_j)-1``
    of ``i``'s run, holding ``(s_i + u + 1) + (s_j + u - d + 1)``, largest at the last
    shared step; an offset is possible only if that is ``<= M``."""
    best = 0
    for a, oa, b, ob in ((s_i, o_i, s_j, o_j), (s_j, o_j, s_i, o_i)):
        for d in range(oa):
            u = min(oa, d + ob) - 1
            if a + u + 1 + b + u - d + 1 <= M:
                best = max(best, u - d + 1)
    return best


def conflict_cliques(inst: Instance) -> list[list[int]]:
    """Maximal cliques (two or more jobs) of the conflict graph, which joins jobs that can
    never run during a common step (:func:`max_overlap` is 0): in any schedule a clique's
    jobs run one after another."""
    n, s, o, M = inst.n, inst.s, inst.o, int(inst.M)
    edges = [(i, j) for i in range(n) for j in range(i + 1, n)
             if max_overlap(int(s[i]), int(o[i]), int(s[j]), int(o[j]), M) == 0]
    if not edges:
        return []
    import networkx as nx            # only when there is a graph: the import costs 0.2 s

    return sorted(sorted(int(i) for i in q) for q in nx.find_cliques(nx.Graph(edges))
                  if len(q) >= 2)


def h(self, W: int, R: tuple[int, ...]) -> int:
    """The admissible bound of the module docstring."""
    cost, CC, free, used, ends, _, _, _, _, e, _ = self.info(R)
    M = self.M
    es = [end for b, end in ends if W & b]
    k = len(es)
    tail = self.tail(W & self.in_clique, R, e) if W & self.in_clique else ()
    nt = len(tail)
    A = 0
    for b, ar in self.area_order:
        if W & b:
            A += ar
            T = bisect_left(CC, A) if A <= free else -(-(A + used) // M)
            k -= 1                                    # completions still to come
            x = es[-k - 1]
            if x > T:
                T = x
            if k < nt and tail[k] > T:
                T = tail[k]
            cost += T
    return cost


def tail(self, WQ: int, R: tuple[int, ...], e: list[int]) -> list[int]:
    """``tail[r]``: a bound on the ``r``-th last completion among the waiting jobs from
    the conflict cliques: a clique's ``c`` waiting jobs run one after another from
    ``min e`` on, so its ``m``-th completion is ``>= min e + (m smallest o)``, and it is
    at worst the ``(c - m)``-th last completion overall."""
    key = (R, WQ)
    got = self._tail.get(key)
    if got is not None:
        return got
    tail: list[int] = []
    for Q in self.cliques:
        K = [(oi, i) for b, oi, i in Q if WQ & b]
        if len(K) < 2:
            continue
        t = min(e[i] for _, i in K)
        r = len(K)
        while len(tail) < r:
            tail.append(0)
        for oi, _ in K:
            t += oi
            r -= 1
            if t > tail[r]:
                tail[r] = t
    self._tail[key] = tail
    return tail
