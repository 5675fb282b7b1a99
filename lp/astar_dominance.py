"""State dominance for :mod:`lp.astar` (rules (i) and (ii) of its docstring, which prove
them): a store per waiting set, compared with one SWAR subtraction per lookup."""
from __future__ import annotations

from kvsched.instance import Instance


class Dominance:
    """The state-dominance store of the module docstring.

    Per waiting set ``W`` it keeps every admitted state as one *block* of a big integer:
    the committed profile (``span`` fields of ``pw`` bits: value and a guard bit), then
    ``v = g + sum_R (o_j - a)`` (a field of ``cw`` bits), then one flag bit. Comparing a
    new block with all ``k`` stored blocks at once is a SWAR subtraction: with the guard
    bits set on the minuend, a field's guard survives iff minuend field >= subtrahend
    field, and subtracting the failed guards of a block from its flag bit clears the flag
    iff some field failed."""

    def __init__(self, S, inst: Instance):
        self.S = S
        self.vs = vs = S.span * S.pw                   # bits of the profile fields
        # v field + guard: an expanded state has g <= f <= OPT <= n sum(o) (one job at a
        # time costs no more), so v <= n sum(o) + n + sum(o); rule (ii) adds e_i + o_i
        tokens = int(sum(S.o))
        cw = (inst.n * tokens + inst.n + tokens + 2 * S.span + 1).bit_length() + 1
        self.L = vs + cw + 1                           # bits per block
        guards = sum(1 << (S.pw * u + S.pw - 1) for u in range(S.span))
        self._guard = guards | 1 << (vs + cw - 1)
        self._flag = 1 << (self.L - 1)
        self._rep, self._gg, self._hh = [0, 1], [0, self._guard], [0, self._flag]
        self.store: dict = {}       # W -> [blocks, g of each, R of each, least v]
        self.dead: set = set()      # open states dropped by a dominating newcomer

    def _masks(self, k: int) -> tuple[int, int, int]:
        """``(1 per block, guard bits, flag bits)`` repeated over ``k`` blocks."""
        rep, gg, hh = self._rep, self._gg, self._hh
        while k >= len(rep):
            m = len(rep) - 1
            rep.append(rep[-1] | 1 << (self.L * m))
            gg.append(gg[-1] | self._guard << (self.L * m))
            hh.append(hh[-1] | self._flag << (self.L * m))
        return rep[k], gg[k], hh[k]

    def _stored_below(self, new: int, blocks: int, k: int) -> int:
        """Flag bits of the stored blocks that are ``<= new`` in every field."""
        rep, gg, hh = self._masks(k)
        return (hh - ((((new * rep) | gg) - blocks) & gg ^ gg)) & hh

    def _stored_above(self, new: int, blocks: int, k: int) -> int:
        """Flag bits of the stored blocks that are ``>= new`` in every field."""
        rep, gg, hh = self._masks(k)
        return (hh - (((blocks | gg) - new * rep) & gg ^ gg)) & hh

    def admit(self, W: int, R: tuple[int, ...], g: int, dist: dict) -> bool:
        """``False`` if a stored state dominates ``(W, R)`` reached at cost ``g`` (rules
        (i) and (ii)); else store it, mark the open states it dominates dead, and return
        ``True``."""
        info = self.S.info(R)
        profile, v = info[10], g + info[0]
        block = profile | v << self.vs
        ent = self.store.get(W)
        if ent is not None and self._stored_below(block, ent[0], len(ent[2])):
            return False                               # (i) same W
        e, o = info[9], self.S.o
        rest = W
        while rest:                                    # (ii) one job ahead
            low = rest & -rest
            rest ^= low
            ahead = self.store.get(W ^ low)
            if ahead is None:
                continue
            i = low.bit_length() - 1
            limit = v + e[i] + o[i]
            if ahead[3] <= limit and self._stored_below(profile | limit << self.vs,
                                                        ahead[0], len(ahead[2])):
                return False
        if ent is None:
            self.store[W] = [block, [g], [R], v]
            return True
        blocks, gs, rs, _ = ent
        hit = self._stored_above(block, blocks, len(rs))
        while hit:
            low = hit & -hit
            hit ^= low
            j = (low.bit_length() - self.L) // self.L
            if rs[j] != R and dist.get((W, rs[j])) == gs[j]:
                self.dead.add((W, rs[j]))
        ent[0] = blocks | block << (self.L * len(rs))
        gs.append(g)
        rs.append(R)
        ent[3] = min(ent[3], v)
        return True
