"""Saved search results: one self-contained JSON file per improvement, replay, summary.

A result file (``"kind": "kvsched-adversary-result"``) holds the instance, the algorithm's
schedule and the reference schedule (proven optimum or checked upper bound), the ratio and
its label, the lower-bound estimate, the algorithm, regime, alpha, the bound at that alpha
(from ``bounds`` when available), the search parameters and
:func:`kvsched.results.provenance`. :func:`replay` recomputes everything from the file alone.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kvsched import Instance, check
from kvsched.errors import InfeasibleScheduleError, InputFormatError
from kvsched.results import atomic_write_json, atomic_write_text, provenance
from kvsched.tables import fmt

from .evaluate import CERTIFIED, REFERENCES, bound_value, evaluate, schedule_of
from .growth import KIND as GROWTH_KIND, replay_growth
from .objectives import run_lemma
from .param_family import rebuild

KIND = "kvsched-adversary-result"
LEMMA_KIND = "kvsched-adversary-lemma"


def algorithm_source_digest(alg: str) -> str | None:
    """SHA-1 of the source file of the registered algorithm ``alg``: a replay mismatch can
    then say whether the algorithm's code changed since the result was saved."""
    import hashlib
    import inspect
    from kvsched.algorithms import REGISTRY
    try:
        path = inspect.getsourcefile(REGISTRY[alg].func)
        return hashlib.sha1(Path(path).read_bytes()).hexdigest()
    except (KeyError, OSError, TypeError):
        return None


def make_record(ev: dict[str, Any], *, regime: str, alpha: float | None, seed: int,
                params: dict[str, Any], evaluation: int, family: str | None) -> dict[str, Any]:
    """The saved form of an evaluation found by a search."""
    alg = ev["alg"]
    return {
        "kind": KIND,
        "algorithm": alg,
        "regime": regime,
        "alpha": alpha,
        "params": {**ev["alg_params"], "alpha": alpha},      # the saved-result contract
        "alg_params": ev["alg_params"],
        "alg_source_sha1": algorithm_source_digest(alg),
        "instance": ev["instance"],
        "n": ev["n"],
        "large_memory_ratio": ev["large_memory_ratio"],
        "ratio": ev["ratio"],
        "ratio_label": ev["ratio_label"],
        "alg_objective": ev["alg_objective"],
        "reference": {"objective": ev["ref_objective"], "optimal": ev["ref_optimal"],
                      "status": ev["ref_status"], "source": ev["ref_source"],
                      "cross_check": ev.get("ref_cross_check", "not attempted"),
                      "schedule": ev["ref_schedule"]},
        "alg_schedule": ev["alg_schedule"],
        "alg_restarts": ev["alg_restarts"],
        "alg_wasted_tokens": ev["alg_wasted_tokens"],
        "lower_bound": {"value": ev["lower_bound"], "name": ev["lower_bound_name"]},
        "ratio_to_lower_bound": ev["ratio_to_lower_bound"],
        "ratio_to_lower_bound_label": ev["ratio_to_lower_bound_label"],
        "bound": {"general": bound_value(alg, "general", alpha),
                  "regime": bound_value(alg, regime, alpha),
                  "source": "bounds.ratio_value"},
        "consistent": ev["consistent"],
        "problems": ev["problems"],
        "evaluation": evaluation,
        "family": family,
        "provenance": provenance(seed, params),
    }


def save_record(path: str | Path, record: dict[str, Any]) -> Path:
    return atomic_write_json(path, record)


def load_record(path: str | Path) -> dict[str, Any]:
    p = Path(path)
    try:
        data = json.loads(p.read_text())
    except FileNotFoundError:
        raise InputFormatError("no such file", path=str(p)) from None
    except json.JSONDecodeError as e:
        raise InputFormatError(f"not JSON: {e.msg}", path=str(p), line=e.lineno) from None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise InputFormatError(f"not a search result (expected \"kind\": \"{KIND}\")",
                               path=str(p))
    for key in ("algorithm", "instance", "alg_schedule", "reference", "ratio", "ratio_label"):
        if key not in data:
            raise InputFormatError(f"search result lacks the field {key!r}", path=str(p))
    return data


@dataclass
class Replay:
    """Outcome of :func:`replay`: each line is ``(what, ok, detail)``."""

    path: str
    checks: list[tuple[str, bool, str]] = field(default_factory=list)
    recomputed: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(ok for _, ok, _ in self.checks)

    def add(self, what: str, ok: bool, detail: str = "") -> None:
        self.checks.append((what, bool(ok), detail))

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "ok": self.ok,
                "checks": [{"check": w, "ok": o, "detail": d} for w, o, d in self.checks],
                "recomputed": self.recomputed}


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0)


def replay(path: str | Path, time_limit: float = 60.0, reference: str | None = None) -> Replay:
    """Recompute a saved result from the file alone.

    1. rebuild and validate the instance; 2. re-check the saved ALG schedule and the saved
    reference schedule with :func:`kvsched.check` and compare their costs with the saved
    ones; 3. re-run the algorithm with the saved parameters and compare cost and schedule;
    4. re-solve the reference (``lp.exact`` unless ``reference`` names another provider; a
    proven optimum of at most 6 jobs is also confirmed by the A* brute force):
    a saved proven optimum must be matched exactly; a saved upper bound must not be below a
    proven optimum; 5. recompute the ratio and its label.
    """
    try:
        raw = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError):
        raw = None
    if isinstance(raw, dict) and raw.get("kind") == LEMMA_KIND:
        return replay_lemma(path, raw)
    if isinstance(raw, dict) and raw.get("kind") == GROWTH_KIND:
        out = Replay(str(path))
        for what, ok, detail in replay_growth(raw):
            out.add(what, ok, detail)
        return out
    rec = load_record(path)
    out = Replay(str(path))
    inst = Instance.from_dict(rec["instance"])
    out.add("instance valid", True, f"n={inst.n}, M={inst.M}, "
            f"max(s+o)/M={inst.large_memory_ratio:.4g}")
    out.add("large-memory ratio", _close(inst.large_memory_ratio, rec["large_memory_ratio"]),
            f"{inst.large_memory_ratio:.6g} (saved {rec['large_memory_ratio']:.6g})")
    if rec.get("family_spec") and rec.get("family_exact"):
        again = rebuild(rec["family_spec"], rec["family_params"], rec.get("family_seed", 0))
        out.add("family parameters rebuild the instance", again == inst,
                f"{rec['family_spec'].get('name')} at the saved parameters and seed")
    saved_ref = rec["reference"]
    for what, attempts, cost in (("saved ALG schedule", rec["alg_schedule"], rec["alg_objective"]),
                                 ("saved reference schedule", saved_ref["schedule"],
                                  saved_ref["objective"])):
        try:
            rep = check(schedule_of(attempts), inst)
            out.add(f"{what} passes the checker", rep.objective == cost,
                    f"cost {rep.objective} (saved {cost})")
        except InfeasibleScheduleError as e:
            out.add(f"{what} passes the checker", False, str(e))
    config = {"alg": rec["algorithm"], "alpha": rec.get("alpha"),
              "reference": reference or "exact",
              "time_limit": time_limit, "cross_check_n": 6,
              "seed": rec.get("provenance", {}).get("seed", 0)}    # REF's local search
    if config["reference"] not in REFERENCES:
        raise InputFormatError(f"unknown reference {config['reference']!r}", path=str(path))
    ev = evaluate(rec["instance"], config)
    out.recomputed = {k: ev[k] for k in ("alg_objective", "ref_objective", "ref_optimal",
                                         "ref_source", "ref_cross_check", "ratio", "ratio_label",
                                         "lower_bound", "ratio_to_lower_bound")}
    out.add("re-solve consistent (LB <= OPT <= ALG, brute force agrees)", ev["consistent"],
            "; ".join(ev["problems"]) or ev.get("ref_cross_check", ""))
    out.add("algorithm re-run gives the saved cost", ev["alg_objective"] == rec["alg_objective"],
            f"{ev['alg_objective']} (saved {rec['alg_objective']})")
    same = schedule_of(ev["alg_schedule"]) == schedule_of(rec["alg_schedule"])
    detail = ""
    if not same or ev["alg_objective"] != rec["alg_objective"]:
        now = algorithm_source_digest(rec["algorithm"])
        saved = rec.get("alg_source_sha1")
        detail = ("attempts differ; the algorithm's source file "
                  + ("is unchanged" if now == saved else
                     f"changed since the result was saved ({str(saved)[:10]} -> {str(now)[:10]})"))
    out.add("algorithm re-run gives the saved schedule", same, detail)
    if saved_ref["optimal"]:
        if ev["ref_optimal"]:
            out.add("re-solved optimum equals the saved optimum",
                    ev["ref_objective"] == saved_ref["objective"],
                    f"{ev['ref_objective']} (saved {saved_ref['objective']})")
        else:
            out.add("saved optimum re-proven", False,
                    f"re-solve did not prove optimality ({ev['ref_status']}); "
                    f"cannot confirm the saved optimum {saved_ref['objective']}")
    else:
        ok = not ev["ref_optimal"] or ev["ref_objective"] <= saved_ref["objective"]
        out.add("saved upper bound >= re-solved reference", ok,
                f"re-solved {ev['ref_objective']} ({'optimal' if ev['ref_optimal'] else 'feasible'})"
                f", saved {saved_ref['objective']}")
    ratio = rec["alg_objective"] / saved_ref["objective"]
    out.add("saved ratio = ALG / reference", _close(ratio, rec["ratio"]),
            f"{ratio:.6g} (saved {rec['ratio']:.6g}, {rec['ratio_label']})")
    label_ok = (rec["ratio_label"] == CERTIFIED) == bool(saved_ref["optimal"])
    out.add("ratio label matches the reference", label_ok, rec["ratio_label"])
    out.add("recomputed ratio", True, f"{ev['ratio']:.6g} ({ev['ratio_label']}); "
            f"ALG/LB = {ev['ratio_to_lower_bound']:.6g} (estimate)")
    return out


def replay_lemma(path: str | Path, rec: dict[str, Any]) -> Replay:
    """Replay a lemma-targeted result: rebuild the instance (and from the family, when the
    file says it is exact), check the saved schedule, re-run the algorithm with the saved
    parameters (``bounds.empirical.run_case``) and the lemma's check, and compare the
    schedule and the slack."""
    out = Replay(str(path))
    for key in ("instance", "algorithm", "params", "lemma", "slack", "schedule"):
        if key not in rec:
            raise InputFormatError(f"lemma result lacks the field {key!r}", path=str(path))
    inst = Instance.from_dict(rec["instance"])
    out.add("instance valid", True, f"n={inst.n}, M={inst.M}")
    if rec.get("family_spec") and rec.get("family_exact"):
        again = rebuild(rec["family_spec"], rec["family_params"], rec.get("family_seed", 0))
        out.add("family parameters rebuild the instance", again == inst, rec["family_spec"]["name"])
    try:
        rep = check(schedule_of(rec["schedule"]["attempts"]), inst)
        out.add("saved schedule passes the checker", rep.objective == rec["objective"],
                f"cost {rep.objective} (saved {rec['objective']})")
    except InfeasibleScheduleError as e:
        out.add("saved schedule passes the checker", False, str(e))
    run, o = run_lemma(inst, rec["algorithm"], rec["regime"], rec["lemma"], "replay")
    for key in ("alpha", "dilation"):
        saved, now = rec["params"].get(key), getattr(run, key)
        out.add(f"ledger's {key} as saved", saved == now or (saved is not None and now is not None
                                                              and _close(saved, now)),
                f"{now} (saved {saved})")
    same = run.result.schedule == schedule_of(rec["schedule"]["attempts"])
    out.add("algorithm re-run gives the saved schedule", same)
    out.add("lemma check gives the saved slack", _close(o.slack, rec["slack"]) or o.slack == rec["slack"],
            f"slack {o.slack:.6g} (saved {rec['slack']:.6g}); {o.basis}; {o.detail}")
    out.add("violated as saved", bool(o.violated) == bool(rec.get("violated")),
            "violated" if o.violated else "holds")
    out.recomputed = {"slack": o.slack, "violated": o.violated, "basis": o.basis,
                      "detail": o.detail}
    return out


def iter_records(folder: str | Path):
    """All result files under ``folder`` (recursively), skipping checkpoints and others."""
    for p in sorted(Path(folder).rglob("*.json")):
        try:
            data = json.loads(p.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        if isinstance(data, dict) and data.get("kind") == KIND:
            yield p, data


def describe_instance(inst: dict[str, Any], max_jobs: int = 12) -> str:
    """``"M=<M>: (s,o) (s,o) ..."`` for an instance dict (:meth:`Instance.to_dict`); above
    ``max_jobs`` jobs the distinct jobs with their multiplicities, most frequent first:
    ``"M=<M>, n=<n>: 150x(0,16) 94x(0,14) ..."``."""
    jobs = [(j["s"], j["o"]) for j in inst["jobs"]]
    if len(jobs) <= max_jobs:
        return f"M={inst['M']}: " + " ".join(f"({s},{o})" for s, o in jobs)
    from collections import Counter
    cnt = Counter(jobs).most_common()
    return (f"M={inst['M']}, n={len(jobs)}: "
            + " ".join(f"{c}x({s},{o})" for (s, o), c in cnt))


def describe_family(rec: dict[str, Any]) -> str:
    """The family and its non-trivial parameters (components with a zero count omitted;
    floats to 3 digits), or ``-`` for a record not built by a family."""
    v = rec.get("family_params")
    if not v:
        return "-"
    v = dict(v)
    for j in range(3):
        if v.get(f"count{j}") == 0:
            for key in (f"k{j}", f"delta{j}", f"count{j}", f"prompt{j}"):
                v.pop(key, None)
    for n, keys in (("blockers", ("o_b",)), ("half", ("o_h",)),
                    ("lad_count", ("lad_k0", "lad_levels", "lad_delta", "lad_growth",
                                   "lad_prompt"))):
        if v.get(n) == 0:
            for key in (n, *keys):
                v.pop(key, None)
    body = " ".join(f"{k}={x:.3g}" if isinstance(x, float) else f"{k}={x}"
                    for k, x in v.items())
    name = (rec.get("family_spec") or {}).get("name", "family")
    extra = "" if rec.get("family_exact", True) else f" + {len(rec.get('moves', []))} moves"
    return f"{name}(alpha={rec['family_spec'].get('alpha', 0):.4g}): {body}{extra}"


def _search_kind(r: dict[str, Any]) -> str:
    if r.get("family_spec"):
        return "family"
    return f"n<={r['provenance']['params'].get('n', r['n'])}"


def summary_rows(folder: str | Path) -> list[dict[str, Any]]:
    """Best ratio per (algorithm, regime, search: ``family`` or the instance search's job
    limit ``n<=N``), certified ratios preferred over certified lower bounds, with the
    bound, the achieving instance and the family parameters."""
    best: dict[tuple, tuple] = {}
    for p, r in iter_records(folder):
        if not r.get("consistent", True) or p.name == "best.json":   # a copy; cite the original
            continue
        key = (r["algorithm"], r["regime"], _search_kind(r))
        rank = (r["ratio_label"] == CERTIFIED, r["ratio"])
        if key not in best or rank > best[key][0]:
            best[key] = (rank, p, r)
    rows = []
    for (alg, regime, kind), (_, p, r) in sorted(best.items()):
        rows.append({"algorithm": alg, "regime": regime, "search": kind, "n": r["n"],
                     "alpha": r["alpha"],
                     "ratio": r["ratio"], "label": r["ratio_label"],
                     "ALG/LB (estimate)": r["ratio_to_lower_bound"],
                     "bound (general)": r["bound"]["general"],
                     "bound (regime)": r["bound"]["regime"],
                     "max(s+o)/M": r["large_memory_ratio"],
                     "instance": describe_instance(r["instance"]),
                     "family parameters": describe_family(r),
                     "file": str(p)})
    return rows


def lemma_rows(folder: str | Path) -> list[dict[str, Any]]:
    """Worst violation found per (algorithm, regime, lemma) among the lemma-targeted
    records (``kind`` :data:`LEMMA_KIND`) under ``folder``."""
    best: dict[tuple, tuple] = {}
    for p in sorted(Path(folder).rglob("*.json")):
        if p.name == "best.json":
            continue
        try:
            r = json.loads(p.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        if not isinstance(r, dict) or r.get("kind") != LEMMA_KIND:
            continue
        key = (r["algorithm"], r["regime"], r["lemma"])
        if key not in best or -r["slack"] > -best[key][1]["slack"]:
            best[key] = (p, r)
    return [{"algorithm": a, "regime": g, "lemma": l, "worst slack": r["slack"],
             "violated": r["violated"], "basis": r["basis"], "detail": r["detail"],
             "n": r["n"], "max(s+o)/M": r["large_memory_ratio"], "file": str(p)}
            for (a, g, l), (p, r) in sorted(best.items())]


def _fmt(v: Any) -> str:
    """:func:`kvsched.tables.fmt`, with ``n/a`` for a missing bound."""
    return "n/a" if v is None else fmt(v)


def _markdown(rows: list[dict[str, Any]], cols: list[str], relative_to) -> str:
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        if relative_to is not None:
            try:
                r["file"] = str(Path(r["file"]).resolve().relative_to(Path(relative_to).resolve()))
            except ValueError:
                pass
        lines.append("| " + " | ".join(_fmt(r[c]) for c in cols) + " |")
    return "\n".join(lines) + "\n"


SUMMARY_COLUMNS = ["algorithm", "regime", "search", "n", "alpha", "ratio", "label",
                   "ALG/LB (estimate)", "bound (general)", "bound (regime)", "max(s+o)/M",
                   "instance", "family parameters", "file"]
LEMMA_COLUMNS = ["algorithm", "regime", "lemma", "worst slack", "violated", "basis",
                 "detail", "n", "max(s+o)/M", "file"]


def summary_markdown(folder: str | Path, relative_to: str | Path | None = None) -> str:
    """The summary as a markdown table (generated, never typed in)."""
    return _markdown(summary_rows(folder), SUMMARY_COLUMNS, relative_to)


def lemma_markdown(folder: str | Path, relative_to: str | Path | None = None) -> str:
    """The lemma-targeted results as a markdown table (slack < 0: violated)."""
    return _markdown(lemma_rows(folder), LEMMA_COLUMNS, relative_to)


START, END = "<!-- adversary-summary:start -->", "<!-- adversary-summary:end -->"
LEMMA_START, LEMMA_END = "<!-- adversary-lemmas:start -->", "<!-- adversary-lemmas:end -->"


def _replace_block(text: str, start: str, end: str, body: str) -> str:
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{body}{end}{tail}"


def update_doc(doc: str | Path, folder: str | Path) -> str:
    """Replace the text between the summary markers of ``doc`` with
    :func:`summary_markdown` of ``folder`` (file paths relative to the document's repo),
    and between the lemma markers (when present) with :func:`lemma_markdown`; returns
    the new tables."""
    doc = Path(doc)
    text = doc.read_text()
    if START not in text or END not in text:
        raise InputFormatError(f"lacks the markers {START} ... {END}", path=str(doc))
    root = doc.resolve().parent.parent
    table = summary_markdown(folder, relative_to=root)
    text = _replace_block(text, START, END, table)
    if LEMMA_START in text and LEMMA_END in text:
        lemmas = lemma_markdown(folder, relative_to=root)
        text = _replace_block(text, LEMMA_START, LEMMA_END, lemmas)
        table += "\n" + lemmas
    atomic_write_text(doc, text)
    return table
