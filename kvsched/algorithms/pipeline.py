"""The staggered pipeline: packing one round's attempts under the memory budget ``M``.

A round starts at absolute step ``R`` and must end by ``R + cap`` (``cap`` = the round's
length bound, see ``docs/algorithms.md``). The pipeline keeps the *planned* memory
``P[u]`` of the round at local steps ``u = 0 .. cap-1``: the sum of the profiles reserved
by the attempts placed so far. An attempt of a job with prompt ``s`` planned for ``l``
steps from local step ``t`` reserves ``s + (u - t + 1)`` at ``u = t .. t+l-1`` (SPEC
section 2); for a clairvoyant scheduler ``l = o_i`` is exact, a non-clairvoyant one plans
the worst case ``l`` = its slice. Because every attempt holds at most what it reserved,
``max P <= M`` makes the executed schedule feasible.

Placement is *earliest fit with pacing*: the attempt starts at the smallest ``t >= t_min``
with ``P[u] + s + (u - t + 1) <= M`` for all ``u`` in ``[t, t+l)`` and ``t + l <= cap``.
The caller sets ``t_min >= floor(W / M)`` where ``W`` is the planned area placed before in
the round, so that area enters the round at rate at most ``M`` per step: starts are spread
over the round (ages evenly distributed) and aggregate memory stays near ``M`` instead of a
synchronous batch whose memory peaks at its end.

Writing ``Q[u] = P[u] + u``, the fit condition is ``max_{u in [t, t+l)} Q[u] <= M - s - 1 + t``:
a sliding-window maximum, computed for all candidate ``t`` at once (van Herk / Gil-Werman,
numpy) when a few cheap jump steps do not find the start. Cost per placement: ``O(l)`` for
the reservation and ``O(cap)`` at worst for the search; no per-token Python loops.
"""
from __future__ import annotations

import numpy as np

_JUMPS = 6          # cheap jump steps tried before the vectorised window-max search
_NEG = np.iinfo(np.int64).min
_SHORT = 24         # windows up to this length are scanned in plain Python


def sliding_window_max(x: np.ndarray, w: int) -> np.ndarray:
    """``out[t] = max(x[t : t+w])`` for ``t = 0 .. len(x)-w`` (van Herk / Gil-Werman)."""
    n = len(x)
    if w <= 1:
        return x.copy()
    nb = -(-n // w)
    pad = np.full(nb * w, _NEG, dtype=np.int64)
    pad[:n] = x
    blocks = pad.reshape(nb, w)
    pre = np.maximum.accumulate(blocks, axis=1).reshape(-1)
    suf = np.maximum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].reshape(-1)
    t = np.arange(n - w + 1)
    return np.maximum(suf[t], pre[t + w - 1])


class StaggeredPipeline:
    """Planned memory of one round; places attempts by paced earliest fit (module doc).

    Local steps ``u = 0 .. cap-1`` are absolute steps ``R + u``. With ``cap=None`` the round
    is unbounded and the planning array grows as needed.
    """

    def __init__(self, M: int, cap: int | None):
        self.M = int(M)
        self.cap = None if cap is None else int(cap)
        size = 64 if cap is None else max(int(cap), 1)
        self.P = np.zeros(size, dtype=np.int64)
        self.planned_end = 0          # one past the last local step with a reservation
        self._ramp_cache = np.arange(1, 65, dtype=np.int64)

    def _ensure(self, size: int) -> None:
        if size > len(self.P):
            grown = np.zeros(max(size, 2 * len(self.P)), dtype=np.int64)
            grown[:len(self.P)] = self.P
            self.P = grown

    def _ramp(self, length: int) -> np.ndarray:
        """``[1, 2, ..., length]`` (cached)."""
        if len(self._ramp_cache) < length:
            self._ramp_cache = np.arange(1, max(length, 2 * len(self._ramp_cache)) + 1,
                                         dtype=np.int64)
        return self._ramp_cache[:length]

    def earliest_fit(self, s: int, length: int, t_min: int) -> int | None:
        """Smallest local ``t >= t_min`` where the attempt fits entirely (and ends by
        ``cap``), or ``None`` if there is none."""
        limit = self.M - s
        t = max(int(t_min), 0)
        if self.cap is None:
            # Past every reservation the memory is free and s + length <= M: always fits.
            last = max(t, self.planned_end)
            self._ensure(last + length + 1)
        else:
            last = self.cap - length
        if t > last:
            return None
        if t >= self.planned_end:
            return t
        P = self.P
        if length <= _SHORT:
            # the same jump search in plain Python: cheaper than numpy for short windows
            for _ in range(8 * _JUMPS):
                if t > last:
                    return None
                if t >= self.planned_end:
                    return t
                for x, p in enumerate(P[t:t + length].tolist(), start=1):
                    if p + x > limit:
                        u = t + x - 1
                        t = min(p + u + 1 - limit, u + 1)
                        break
                else:
                    return t
        ramp = self._ramp(length)
        for _ in range(_JUMPS):
            if t > last:
                return None
            if t >= self.planned_end:
                return t
            bad = P[t:t + length] + ramp > limit
            first = int(bad.argmax())
            if not bad[first]:
                return t
            u = t + first
            # any start t' <= u must satisfy P[u] + (u - t' + 1) <= M - s
            t = min(int(P[u]) + u + 1 - limit, u + 1)
        chunk = max(4 * length, 256)
        while t <= last:
            if t >= self.planned_end:
                return t
            top = min(last, t + chunk)                 # candidates t .. top
            Q = P[t:top + length] + np.arange(t, top + length, dtype=np.int64)
            wmax = sliding_window_max(Q, length)
            ok = np.flatnonzero(wmax <= (limit - 1 + t) + np.arange(len(wmax)))
            if ok.size:
                return t + int(ok[0])
            t = top + 1
            chunk *= 2
        return None

    def reserve(self, t: int, s: int, length: int) -> None:
        """Reserve the profile ``s + 1, ..., s + length`` at local steps ``t .. t+length-1``."""
        self._ensure(t + length + 1)
        self.P[t:t + length] += s + self._ramp(length)
        self.planned_end = max(self.planned_end, t + length)

    def release(self, t: int, s: int, length: int, at: int) -> None:
        """An attempt reserved at ``t`` for ``length`` steps ended at local step ``at``:
        free its reservation at ``at .. t+length-1``."""
        end = t + length
        if at < end:
            self.P[at:end] -= s + np.arange(at - t + 1, length + 1, dtype=np.int64)

    def fits_at(self, t: int, s: int, length: int) -> bool:
        """Whether the profile ``s + 1 .. s + length`` fits from local step ``t``."""
        if t >= self.planned_end:
            return True
        self._ensure(t + length + 1)
        if length <= _SHORT:
            lim = self.M - s
            return all(p + x <= lim for x, p in
                       enumerate(self.P[t:t + length].tolist(), start=1))
        return int((self.P[t:t + length] + self._ramp(length)).max()) <= self.M - s

    def fits_extension(self, t: int, s: int, length: int, new_length: int) -> bool:
        """Whether an attempt reserved from ``t`` for ``length`` steps can be extended to
        ``new_length``: the added segment ``s + length + 1 .. s + new_length`` at local
        steps ``t + length .. t + new_length - 1`` fits (the attempt's own reservation
        ends before it, so it is not counted twice)."""
        lo = t + length
        if lo >= self.planned_end:
            return True
        self._ensure(t + new_length + 1)
        seg = self.P[lo:t + new_length] + np.arange(s + length + 1, s + new_length + 1,
                                                      dtype=np.int64)
        return int(seg.max()) <= self.M

    def extend(self, t: int, s: int, length: int, new_length: int) -> None:
        """Extend the reservation made at ``t`` for ``length`` steps to ``new_length``."""
        self._ensure(t + new_length + 1)
        self.P[t + length:t + new_length] += np.arange(s + length + 1, s + new_length + 1,
                                                       dtype=np.int64)
        self.planned_end = max(self.planned_end, t + new_length)

    @property
    def peak(self) -> int:
        return int(self.P.max()) if len(self.P) else 0


def geometric_budgets(alpha: float, count: int) -> list[int]:
    """``tau_0 .. tau_{count-1}``: ``tau_k = max(tau_{k-1} + 1, ceil(alpha^k))``, ``tau_0 = 1``.

    ``ceil`` is taken with a relative guard of ``1e-12`` so that exact powers (``alpha = 2``,
    ``4``) are not pushed up by rounding error; the ``+1`` keeps the sequence strictly
    increasing when ``alpha`` is close to 1.
    """
    taus: list[int] = []
    prev = 0
    for k in range(count):
        v = alpha ** k
        c = int(np.ceil(v * (1 - 1e-12)))
        tau = max(prev + 1, c, 1)
        taus.append(tau)
        prev = tau
    return taus


class Budgets:
    """Lazy strictly increasing integer budgets ``tau_k`` (see :func:`geometric_budgets`)."""

    def __init__(self, alpha: float):
        if not alpha > 1:
            from ..errors import KvschedError
            raise KvschedError(f"alpha = {alpha!r} must be > 1")
        self.alpha = float(alpha)
        self._taus: list[int] = []

    def __getitem__(self, k: int) -> int:
        while len(self._taus) <= k:
            self._taus = geometric_budgets(self.alpha, 2 * len(self._taus) + 8)
        return self._taus[k]


def round_cap(tau: int, dilation: float | None) -> int | None:
    """The round length bound ``L(tau) = ceil(dilation * tau)`` (``None``: unbounded)."""
    if dilation is None:
        return None
    return int(np.ceil(dilation * tau - 1e-9))
