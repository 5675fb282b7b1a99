"""``kvsched verify`` section: per chain the derived bound, its exact minimiser, how many
lemmas are proved / exhaustively verified / checked / assumed / refuted, and the verdict
(rules: :mod:`bounds.status`; evidence: :mod:`bounds.evidence`, the same default evidence
as ``kvsched bounds``, which does not depend on the seed).

The table fails (``ok = False``) only if the symbolic part fails: a derived minimum that
does not round up to the published constant, a non-unique minimiser, or an algebraic step
that does not hold. A refuted lemma or a REFUTED verdict is a *result*
about the implementation and is reported in the notes.
"""
from __future__ import annotations

from kvsched.tables import Table


def section(seed: int, quick: bool) -> Table:
    from .ledger import ledger
    from .status import STATUSES

    records = ledger(n_instances=0 if quick else 8, seed=seed, out_dir=None)
    t = Table("Bounds: verdict per chain (bounds.status rules), ratios derived from named "
              f"lemmas (sympy), lemma statuses from the default evidence"
              + ("" if quick else f" + 8 random instances (seed {seed})"),
              ["chain", "R(alpha)", "alpha*", "minimum", "published", *STATUSES, "verdict"])
    for r in records:
        c = r["status_counts"]
        t.add(r["chain"], r["expression"], r["alpha_star"], r["value_float"],
              "-" if r["published"] is None else r["published"], *(c[s] for s in STATUSES),
              r["verdict"])
        proved_algebra = all(s["holds"] for l in r["lemmas"] for s in l["algebra"])
        ok = (r.get("matches_published", True) and r.get("unique_minimum", True)
              and proved_algebra and all(s["holds"] for s in r.get("optimisation_algebra", [])))
        if not ok:
            t.ok = False
            t.notes.append(f"{r['chain']}: symbolic derivation failed")
        refuted = [l["name"] for l in r["lemmas"] if l["status"] == "refuted"
                   and l["role"] != "probe"]
        if refuted:
            t.notes.append(f"{r['chain']}: refuted: {', '.join(refuted)}")
    return t
