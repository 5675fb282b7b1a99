"""The status rules of the ledger: what a lemma's status and a chain's verdict *are*, given
how the lemma is established and the evidence. Nothing else decides a status.

Per lemma (first rule that applies):

1. **refuted** -- an algebraic step of its proof fails, or *any* evidence violates it:
   a run of the algorithm on any instance (suite, saved adversary record, lemma-targeted
   result, counterexample file, user file), or a violation inside an exhaustive box. The
   witnesses (saved, replayable files where there are any) are listed, worst first. A
   proved lemma that is violated is refuted too (and signals a bug in proof or code).
2. **proved** -- established ``PROVED_SYMBOLIC`` (every step algebra decided by sympy) or
   ``PROVED_BY_HAND`` (an argument written in docs/analysis.md or docs/proofs.md whose
   algebraic steps sympy decides), or every lemma in ``implied_by`` is proved.
3. **exhaustively verified** -- held on every instance of a named box (e.g. ``n <= 4,
   M <= 12``, or every ``m`` with ``tau_m <= 2^40`` for a statement about the budgets).
4. **checked** -- held on ``N`` instances; ``N`` and the sources are shown.
5. **assumed** -- no proof and no evidence.

Per chain (its *factor* lemmas, whose constants multiply to the ratio; supporting lemmas
are one route to a factor lemma and probes claim more than the chain needs):

* **REFUTED** -- a *certified* ``ALG/REF`` above the bound exists (REF a proven optimum or
  a checked schedule, so ``ALG/OPT >= ALG/REF``); an estimate ``ALG/LB`` never refutes and
  never confirms.
* **PROVED** -- every factor lemma is proved.
* **BROKEN AT <lemmas>** -- a factor lemma is refuted: this chain cannot give the bound
  (the bound itself is open unless REFUTED).
* **CONDITIONAL ON <lemmas>** -- otherwise, naming every factor lemma not proved with its
  status.

No rule depends on the order in which evidence arrives: everything is a count, a minimum
or a sorted list. A "worst slack 0" is *tight* only where both sides are non-trivial
(:attr:`bounds.checks.CheckSummary.tight`).
"""
from __future__ import annotations

from dataclasses import dataclass

from .lemmas import PROVED_BY_HAND, PROVED_SYMBOLIC, Lemma

PROVED = "proved"
EXHAUSTIVE = "exhaustively verified"
CHECKED = "checked"
ASSUMED = "assumed"
REFUTED = "refuted"
STATUSES = (PROVED, EXHAUSTIVE, CHECKED, ASSUMED, REFUTED)

V_PROVED, V_REFUTED, V_BROKEN, V_CONDITIONAL = "PROVED", "REFUTED", "BROKEN", "CONDITIONAL"


@dataclass(frozen=True)
class LemmaStatus:
    status: str
    reason: str                      # one line: why this status
    witnesses: tuple = ()            # violating evidence, worst first

    def to_dict(self) -> dict:
        return {"status": self.status, "reason": self.reason,
                "witnesses": [dict(w) for w in self.witnesses]}


def _witness_key(w: dict):
    return (w.get("slack") if w.get("slack") is not None else 0.0, str(w.get("instance", "")),
            str(w.get("file") or ""), str(w.get("detail", "")))


def lemma_status(lemma: Lemma, algebra_ok: bool, runs: list[dict], boxes: list[dict],
                 implied: dict[str, str] | None = None) -> LemmaStatus:
    """The status of ``lemma`` by the rules of the module docstring.

    ``runs``: check summaries (:meth:`bounds.checks.CheckSummary.to_dict`, any number, any
    order); ``boxes``: exhaustive results ``{"box", "holds", "checked", "violation",
    "source"}``; ``implied``: status of each lemma in ``lemma.implied_by``."""
    if not algebra_ok:
        return LemmaStatus(REFUTED, "an algebraic step of its proof fails (sympy)")
    n = sum(r.get("instances", 0) for r in runs)
    bad = sum(r.get("violations", 0) for r in runs)
    witnesses = [w for r in runs for w in r.get("witnesses", [])]
    witnesses += [{**(b.get("violation") or {}), "box": b["box"], "source": b.get("source")}
                  for b in boxes if not b["holds"]]
    bad_boxes = [b["box"] for b in boxes if not b["holds"]]
    if bad or bad_boxes:
        witnesses = tuple(sorted(witnesses, key=_witness_key))
        parts = ([f"violated on {bad} of {n} instances"] if bad else []) + \
                [f"violated in the box {b}" for b in sorted(bad_boxes)]
        w = witnesses[0] if witnesses else {}
        where = w.get("file") or w.get("instance") or w.get("source") or ""
        if where and w.get("basis"):
            where += f"; decided against: {w['basis']}"
        return LemmaStatus(REFUTED, "; ".join(parts) + (f" (e.g. {where})" if where else ""),
                           witnesses)
    if lemma.establishment in (PROVED_SYMBOLIC, PROVED_BY_HAND):
        how = (f"proved by hand ({lemma.reference})"
               if lemma.establishment == PROVED_BY_HAND and lemma.reference.startswith("docs/")
               else lemma.establishment)
        return LemmaStatus(PROVED, how + (f"; consistent with {n} instances" if n else ""))
    if lemma.implied_by and implied and all(implied.get(x) == PROVED for x in lemma.implied_by):
        return LemmaStatus(PROVED, "implied by " + " + ".join(lemma.implied_by)
                           + ", all proved")
    sources: dict[str, int] = {}
    for r in runs:
        for k, v in r.get("sources", {}).items():
            sources[k] = sources.get(k, 0) + v
    src = ", ".join(f"{v} {k}" for k, v in sorted(sources.items()))
    if boxes:
        return LemmaStatus(EXHAUSTIVE, "held on every instance of "
                           + "; ".join(sorted(b["box"] for b in boxes))
                           + (f"; and on {n} instances ({src})" if n else ""))
    if n:
        return LemmaStatus(CHECKED, f"held on {n} instances ({src})")
    return LemmaStatus(ASSUMED, "no proof and no evidence")


def status_of_all(lemmas: list[Lemma], algebra_ok: dict[str, bool], runs: dict[str, list],
                  boxes: dict[str, list]) -> dict[str, LemmaStatus]:
    """Every lemma of a chain; supporting lemmas first so that ``implied_by`` can use them."""
    out: dict[str, LemmaStatus] = {}
    for l in sorted(lemmas, key=lambda l: bool(l.implied_by)):
        implied = {x: out[x].status for x in l.implied_by if x in out}
        out[l.name] = lemma_status(l, algebra_ok.get(l.name, True), runs.get(l.name, []),
                                   boxes.get(l.name, []), implied)
    return out


@dataclass(frozen=True)
class Verdict:
    kind: str                        # PROVED | REFUTED | BROKEN | CONDITIONAL
    text: str
    open_lemmas: tuple = ()          # factor lemmas not proved (name, status)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "text": self.text,
                "open_lemmas": [{"name": n, "status": s} for n, s in self.open_lemmas]}


def chain_verdict(factor: dict[str, LemmaStatus], certified_violations: list[dict]) -> Verdict:
    """The verdict of a chain from its factor lemmas' statuses and the certified ratios
    above its bound (``[{"ratio", "instance", "file", "basis"}]``)."""
    open_ = tuple(sorted(((n, s.status) for n, s in factor.items() if s.status != PROVED)))
    broken = [n for n, s in open_ if s == REFUTED]
    if certified_violations:
        w = sorted(certified_violations, key=lambda v: (-v["ratio"], str(v.get("instance"))))[0]
        return Verdict(V_REFUTED, f"REFUTED: certified ALG/REF = {w['ratio']:.6g} > bound on "
                                  f"{w.get('file') or w.get('instance')} ({w.get('basis', '')})"
                       + (f"; the chain is also broken at {', '.join(broken)}" if broken else ""),
                       open_)
    if not open_:
        return Verdict(V_PROVED, "PROVED (every factor lemma proved)")
    cond = ", ".join(f"{n} ({s})" for n, s in open_ if s != REFUTED)
    if broken:
        return Verdict(V_BROKEN, f"BROKEN AT {', '.join(broken)} (refuted)"
                       + (f"; otherwise CONDITIONAL ON {cond}" if cond else ""), open_)
    return Verdict(V_CONDITIONAL, f"CONDITIONAL ON {cond}", open_)
