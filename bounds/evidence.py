"""Every source of evidence the ledger's checks run on, read from the repository's files.

* ``suite`` -- :func:`bounds.suite.default_suite` (structured, seed-free);
* ``random`` -- :func:`bounds.suite.random_suite` (``--random N --seed S``, optional);
* ``adversary record`` -- every saved search result under ``adversary/results/`` (any JSON
  whose ``"instance"`` is an instance dict: ``best.json``, ``improvement-*.json``, ...);
* ``lemma result`` -- files with ``"kind": "kvsched-adversary-lemma"`` (a lemma-targeted
  search: the lemma, algorithm and run parameters are in the file);
* ``counterexample`` -- the known counterexamples of tests and docs, one JSON per file in
  ``bounds/evidence/``, ``docs/counterexamples/`` and ``adversary/counterexamples/`` (tests
  read the same files); a reference schedule saved in a file is re-checked and used as an
  upper bound on OPT (so a saved certified ratio is certified again here);
* ``user file`` -- ``kvsched bounds --check FILE`` (an instance file or a saved result);
* exhaustive boxes -- ``adversary/results/exhaust/*.json`` with
  ``"kind": "kvsched-exhaust-summary"`` (see :func:`exhaust_summaries`), and the exact
  check of the integer budgets on every ``m`` with ``tau_m <= 2^40`` (:func:`budget_box`).

An instance found in several files is run once (the first file in sorted path order names
it). Files that cannot be read are listed in :func:`skipped`, never silently counted.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import sympy as sp

from kvsched.errors import InputFormatError, KvschedError
from kvsched.instance import Instance

from .algebra import alpha
from .run import instance_key
from .suite import budget_rule, default_suite, random_suite

REPO = Path(__file__).resolve().parent.parent
EVIDENCE_DIR = Path(__file__).resolve().parent / "evidence"
COUNTEREXAMPLE_DIRS = (EVIDENCE_DIR, REPO / "docs" / "counterexamples",
                       REPO / "adversary" / "counterexamples")
ADVERSARY_RESULTS = REPO / "adversary" / "results"
EXHAUST_DIR = ADVERSARY_RESULTS / "exhaust"
EXHAUST_KIND = "kvsched-exhaust-summary"
LEMMA_KIND = "kvsched-adversary-lemma"
BUDGET_BOX_LOG2 = 40


@dataclass(frozen=True)
class Item:
    """One instance of evidence and where it comes from."""

    source: str                       # suite | random | adversary record | lemma result |
    #                                   counterexample | user file
    label: str                        # instance name, or the file's path
    instance: Instance = field(compare=False)
    file: str | None = None
    lemma: str | None = None          # the lemma the file is a counterexample to
    algorithm: str | None = None      # the algorithm the file was found with
    params: dict | None = field(default=None, compare=False)   # its run parameters
    reference: object = field(default=None, compare=False, repr=False)  # saved schedule
    reference_name: str = ""


_SKIPPED: list[str] = []


def skipped() -> list[str]:
    """Files under the evidence folders that could not be read as evidence (one line each)."""
    return list(_SKIPPED)


def _rel(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(REPO))
    except ValueError:
        return str(p)


def item_from_json(data, path: Path, source: str) -> Item | None:
    """The evidence in one parsed JSON file: a saved result (``"instance"`` inside) or a
    bare instance (``{"M": .., "jobs": [..]}``); ``None`` if it holds no instance."""
    if not isinstance(data, dict):
        return None
    raw = data.get("instance") if isinstance(data.get("instance"), dict) else \
        (data if "jobs" in data and "M" in data else None)
    if raw is None:
        return None
    try:
        inst = Instance.from_dict(raw)
    except InputFormatError:
        raise
    except KvschedError as e:
        raise InputFormatError(str(e), path=str(path)) from None
    name = _rel(path)
    if inst.r is not None and inst.r.any():
        raise InputFormatError("has release dates; the ledger's lemmas are about the batch "
                               "setting (every r_i = 0)", path=str(path))
    if not inst.name:
        inst = Instance(s=inst.s, o=inst.o, M=inst.M, name=name)
    if data.get("kind") == LEMMA_KIND:
        source = "lemma result"
    alg = data.get("algorithm")
    params = data.get("params") if isinstance(data.get("params"), dict) else None
    if isinstance(alg, dict):                 # {"name", "params", "schedule", ...}
        params = alg.get("params") if isinstance(alg.get("params"), dict) else params
        alg = alg.get("name")
    ref, ref_name = None, ""
    r = data.get("reference")
    if isinstance(r, dict) and isinstance(r.get("schedule"), (dict, list)):
        ref = r["schedule"]
        ref_name = f"saved {r.get('name') or r.get('source') or 'reference'} schedule ({name})"
    return Item(source, name, inst, name, data.get("lemma"),
                alg if isinstance(alg, str) else None, params, ref, ref_name)


def load_file(path: str | Path, source: str = "user file", memory: int | None = None) -> Item:
    """One user file for ``--check``: a JSON instance, a saved result, or any instance
    format :func:`kvsched.loaders.load_instance` reads. Raises a KvschedError naming it."""
    p = Path(path)
    if p.is_dir():
        raise InputFormatError("is a directory, not an instance file", path=str(p))
    if p.suffix.lower() == ".json":
        try:
            data = json.loads(p.read_text())
        except OSError as e:
            raise InputFormatError(f"cannot read: {e.strerror}", path=str(p)) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise InputFormatError(f"not JSON: {getattr(e, 'msg', e)}", path=str(p)) from None
        item = item_from_json(data, p, source)
        if item is None:
            raise InputFormatError("no instance in this file (expected {\"M\", \"jobs\"} or a "
                                   "saved result with \"instance\")", path=str(p))
        return item
    from kvsched.loaders import load_instance
    try:
        inst = load_instance(p, memory)
    except InputFormatError:
        raise
    except KvschedError as e:
        raise InputFormatError(str(e), path=str(p)) from None
    if inst.r is not None and inst.r.any():
        raise InputFormatError("has release dates; the ledger's lemmas are about the batch "
                               "setting (every r_i = 0)", path=str(p))
    return Item(source, str(p), inst, str(p))


def _folder_items(root: Path, source: str, exclude: tuple[Path, ...] = ()) -> list[Item]:
    out = []
    if not root.is_dir():
        return out
    for p in sorted(root.rglob("*.json")):
        if any(ex in p.parents for ex in exclude):
            continue
        try:
            data = json.loads(p.read_text())
            item = item_from_json(data, p, source)
        except (OSError, json.JSONDecodeError, UnicodeDecodeError, KvschedError,
                KeyError, TypeError, ValueError) as e:
            _SKIPPED.append(f"{_rel(p)}: {str(e).splitlines()[0] if str(e) else type(e).__name__}")
            continue
        if item is not None:
            out.append(item)
    return out


def record_items(root: Path = ADVERSARY_RESULTS) -> list[Item]:
    """Every saved adversary record (and lemma-targeted result) under ``root``."""
    return _folder_items(root, "adversary record", exclude=(root / "exhaust",))


def counterexample_items(roots=COUNTEREXAMPLE_DIRS) -> list[Item]:
    """The known counterexamples of tests and docs (``bounds/evidence/``,
    ``docs/counterexamples/``, ``adversary/counterexamples/``)."""
    roots = (roots,) if isinstance(roots, (str, Path)) else roots
    return [it for root in roots for it in _folder_items(Path(root), "counterexample")]


def dedupe(items: list[Item]) -> list[Item]:
    """One item per instance content, except that a file naming a lemma or its own run
    parameters is kept (it is also evidence at those parameters)."""
    seen, out = set(), []
    for it in items:
        key = (instance_key(it.instance), it.lemma, it.algorithm,
               json.dumps(it.params, sort_keys=True, default=str) if it.lemma else None)
        plain = instance_key(it.instance)
        if key in seen or (it.lemma is None and plain in seen):
            continue
        seen.add(key)
        seen.add(plain)
        out.append(it)
    return out


def default_items(random: int = 0, seed: int = 0, records: bool = True) -> list[Item]:
    """The default evidence: suite, counterexamples, saved records (and ``random`` seeded
    instances). Reading the folders again each call: new files count at once."""
    _SKIPPED.clear()
    items = [Item("suite", i.name or f, i) for f, i in default_suite()]
    items += counterexample_items()
    if records:
        items += record_items()
    if random:
        items += [Item("random", i.name or f, i) for f, i in random_suite(random, seed)]
    return dedupe(items)


# --- exhaustive boxes -----------------------------------------------------------------------
def _box_text(box: dict) -> str:
    parts = []
    for k, v in sorted(box.items(), key=lambda kv: (kv[0] != "n_max", kv[0])):
        parts.append(f"{k[:-4] if k.endswith('_max') else k} <= {v}" if k.endswith("_max")
                     else f"{k} = {v}")
    return ", ".join(parts)


def exhaust_summaries(root: Path = EXHAUST_DIR) -> list[dict]:
    """The exhaustive-box summaries (``"kind": "kvsched-exhaust-summary"``): per
    (algorithm, alpha, box) ``{"instances", "lemmas": {name: {"holds", "checked",
    "worst_slack", "smallest_violation"}}, "worst_ratio": {"value", "certified",
    "witness"}}``, and the parameters the lemmas were run with (``"lemma_params"``: regime,
    alpha, dilation). Missing folder: none. Unreadable files are listed in :func:`skipped`."""
    out = []
    if not root.is_dir():
        return out
    for p in sorted(root.glob("*.json")):
        try:
            d = json.loads(p.read_text())
        except (OSError, json.JSONDecodeError, UnicodeDecodeError) as e:
            _SKIPPED.append(f"{_rel(p)}: {e}")
            continue
        if not isinstance(d, dict) or d.get("kind") != EXHAUST_KIND:
            continue
        try:
            d = {**d, "alpha": float(d["alpha"]), "box_text": _box_text(dict(d["box"])),
                 "file": _rel(p), "lemmas": dict(d.get("lemmas") or {})}
        except (KeyError, TypeError, ValueError) as e:
            _SKIPPED.append(f"{_rel(p)}: malformed exhaust summary ({e})")
            continue
        out.append(d)
    return out


def boxes_for_chain(chain, summaries: list[dict]) -> tuple[dict[str, list], list[dict]]:
    """The exhaustive results that speak about ``chain``: same algorithm, same alpha (and
    the same round cap when the summary names one); general-regime chains only (a box of
    small ``M`` is not in the large-memory regime). Returns ``(per-lemma box results,
    certified ratios above the bound)``."""
    per: dict[str, list] = {}
    above: list[dict] = []
    if chain.regime != "general":
        return per, above
    names = {l.name for l in chain.lemmas}
    for s in summaries:
        if s.get("algorithm") != chain.algorithm or abs(s["alpha"] - chain.alpha) > 1e-9:
            continue
        p = s.get("lemma_params") or s.get("params") or {}
        if "dilation" in p and (p["dilation"] is None) != (chain.dilation is None):
            continue
        if p.get("regime") not in (None, chain.regime):
            continue
        for name, r in s["lemmas"].items():
            if name not in names or not isinstance(r, dict):
                continue
            v = r.get("smallest_violation")
            per.setdefault(name, []).append({
                "box": f"{s['box_text']} ({s.get('instances', '?')} instances, {s['file']})",
                "holds": bool(r.get("holds")) and not v, "checked": r.get("checked"),
                "violation": None if not v else {"file": v.get("file"), "slack": v.get("slack"),
                                                 "instance": v.get("file") or s["file"]},
                "source": s["file"]})
        w = s.get("worst_ratio") or {}
        if w.get("certified") and w.get("value") is not None \
                and float(w["value"]) > float(chain.bound) + 1e-12:
            above.append({"ratio": float(w["value"]), "instance": w.get("witness"),
                          "file": w.get("witness") or s["file"], "basis": "exhaustive box"})
    return per, above


@lru_cache(maxsize=None)
def budget_box(a_expr: str, delta: int) -> dict:
    """``sum_{k<=m+delta} tau_k / (tau_{m-1}+1) <= alpha^(2+delta)/(alpha-1)`` decided in
    exact arithmetic (alpha as the exact sympy number ``a_expr``, budgets from the
    implementation's rule) for every ``m`` with ``tau_{m+delta} <= 2^40``."""
    a = sp.sympify(a_expr)
    F = a ** (2 + delta) / (a - 1)
    taus, count = [], 8
    while True:
        taus = [int(t) for t in budget_rule(float(a), count)]
        if taus[-1] > 2 ** BUDGET_BOX_LOG2:
            break
        count *= 2
    worst, worst_m, bad = None, None, []
    m = 0
    while m + delta < len(taus) and taus[m + delta] <= 2 ** BUDGET_BOX_LOG2:
        num = sum(taus[: m + delta + 1])
        den = (taus[m - 1] if m >= 1 else 0) + 1
        slack = sp.nsimplify(1) - sp.Rational(num, den) / F
        s = float(sp.N(slack, 30))
        if sp.simplify(slack).is_negative if abs(s) < 1e-25 else s < 0:
            bad.append(m)
        if worst is None or s < worst:
            worst, worst_m = s, m
        m += 1
    return {"box": f"every m with tau_(m+{delta}) <= 2^{BUDGET_BOX_LOG2} (m <= {m - 1}; "
                   f"budget rule, exact arithmetic)",
            "holds": not bad, "checked": m, "worst_slack": worst, "worst_m": worst_m,
            "violation": None if not bad else
            {"instance": f"budget rule at alpha = {a_expr}, m = {bad[0]}",
             "slack": float(sp.N(1 - sp.Rational(sum(taus[: bad[0] + delta + 1]),
                                                 (taus[bad[0] - 1] if bad[0] else 0) + 1) / F)),
             "detail": f"m in {bad[:6]}{' ...' if len(bad) > 6 else ''}", "file": None},
            "source": "kvsched.algorithms.pipeline.geometric_budgets"}
