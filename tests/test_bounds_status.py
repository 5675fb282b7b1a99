"""The status rules (bounds.status) and the evidence that feeds them (bounds.evidence):
a violated or assumed lemma makes a chain's verdict drop, statuses do not depend on the
order of the evidence or on the seed, every known counterexample reaches the verdicts, and
exhaustive-box summaries and lemma-targeted results are read."""
import json
import random
from dataclasses import replace

import pytest
import sympy as sp

from bounds import status as S
from bounds.chains import chain_for, from_derivation
from bounds.checks import CheckSummary
from bounds.derive import derive
from bounds.evidence import (EVIDENCE_DIR, Item, boxes_for_chain, counterexample_items,
                             exhaust_summaries, load_file, record_items)
from bounds.lemmas import ASSUMPTION, PROVED_BY_HAND, PROVED_SYMBOLIC, Lemma
from bounds.ledger import evaluate, judge, ledger
from bounds.run import run_case
from bounds.checks import check_length
from bounds.suite import half_memory


def _lemma(name, est=PROVED_SYMBOLIC, role="factor", implied_by=()):
    return Lemma(name=name, statement=name, latex="", constant=sp.Integer(1),
                 establishment=est, role=role, implied_by=implied_by)


def _runs(n, bad=0, source="suite"):
    return [{"instances": n, "violations": bad, "sources": {source: n},
             "witnesses": [{"instance": f"x{i}", "file": f"f{i}.json", "slack": -0.1 * (i + 1),
                            "detail": ""} for i in range(bad)]}]


def test_a_violation_anywhere_refutes_even_a_proved_lemma():
    proved = _lemma("a", PROVED_BY_HAND)
    assert S.lemma_status(proved, True, _runs(10), []).status == S.PROVED
    st = S.lemma_status(proved, True, _runs(10, bad=1, source="adversary record"), [])
    assert st.status == S.REFUTED and st.witnesses[0]["file"] == "f0.json"
    assumed = _lemma("b", ASSUMPTION)
    assert S.lemma_status(assumed, True, [], []).status == S.ASSUMED
    assert S.lemma_status(assumed, True, _runs(5), []).status == S.CHECKED
    assert "5 suite" in S.lemma_status(assumed, True, _runs(5), []).reason
    assert S.lemma_status(assumed, False, _runs(5), []).status == S.REFUTED   # algebra fails
    box = {"box": "n <= 4, M <= 12", "holds": True, "checked": 100, "violation": None}
    assert S.lemma_status(assumed, True, _runs(5), [box]).status == S.EXHAUSTIVE
    bad_box = {**box, "holds": False, "violation": {"file": "w.json", "slack": -1.0}}
    assert S.lemma_status(assumed, True, _runs(5), [box, bad_box]).status == S.REFUTED


def test_chain_verdict_drops_with_a_violated_or_assumed_factor_lemma():
    a, b = _lemma("a"), _lemma("b", PROVED_BY_HAND)
    sup = _lemma("sup", ASSUMPTION, role="supporting")
    lemmas = [a, b, sup]

    def verdict(runs, lemmas=lemmas, certified=()):
        st = S.status_of_all(lemmas, {}, runs, {})
        return S.chain_verdict({l.name: st[l.name] for l in lemmas if l.role == "factor"},
                               list(certified))

    assert verdict({}).kind == S.V_PROVED
    # a refuted supporting lemma does not break the chain
    assert verdict({"sup": _runs(3, bad=1)}).kind == S.V_PROVED
    v = verdict({"b": _runs(3, bad=1)})
    assert v.kind == S.V_BROKEN and "BROKEN AT b" in v.text
    c = _lemma("c", ASSUMPTION)
    v = verdict({"c": _runs(4)}, lemmas=[a, b, c])
    assert v.kind == S.V_CONDITIONAL and v.text == "CONDITIONAL ON c (checked)"
    v = verdict({}, lemmas=[a, b, c])
    assert v.text == "CONDITIONAL ON c (assumed)"
    v = verdict({}, certified=[{"ratio": 12.0, "instance": "i", "file": "w.json", "basis": "x"}])
    assert v.kind == S.V_REFUTED and "w.json" in v.text


def test_a_factor_lemma_implied_by_proved_lemmas_is_proved():
    f = _lemma("on-time", ASSUMPTION, implied_by=("count", "length"))
    count, length = _lemma("count", PROVED_BY_HAND, "supporting"), \
        _lemma("length", ASSUMPTION, "supporting")
    st = S.status_of_all([f, count, length], {}, {}, {})
    assert st["on-time"].status == S.ASSUMED
    st = S.status_of_all([f, count, replace(length, establishment=PROVED_SYMBOLIC)], {}, {}, {})
    assert st["on-time"].status == S.PROVED and "implied by" in st["on-time"].reason


def test_statuses_do_not_depend_on_evidence_order():
    """The same runs added in any order give the same summary and the same status."""
    ch = chain_for("gba", "general")
    items = counterexample_items() + [
        Item("suite", f"h{n}", half_memory(n)) for n in (3, 5, 8)]
    runs = [(it, run_case(it.label, it.instance, "gba", ch.alpha, None)) for it in items]
    dicts = []
    for seed in range(3):
        order = runs[:]
        random.Random(seed).shuffle(order)
        s = CheckSummary("gba-length-general")
        for it, run in order:
            s.add(run, check_length(run, ch.rho), it.source, it.file)
        dicts.append(s.to_dict())
    assert dicts[0] == dicts[1] == dicts[2]
    lemma = next(l for l in ch.lemmas if l.name == "gba-length-general")
    sts = [S.lemma_status(lemma, True, [d], []).to_dict() for d in dicts]
    assert sts[0] == sts[1] == sts[2] and sts[0]["status"] == S.REFUTED
    r1 = S.lemma_status(lemma, True, [dicts[0], {"instances": 2, "violations": 0}], [])
    r2 = S.lemma_status(lemma, True, [{"instances": 2, "violations": 0}, dicts[0]], [])
    assert r1 == r2


def test_known_counterexamples_reach_the_gba_verdict():
    """G6' (docs/algorithms.md, a round of 2.375 tau at alpha = 8) refutes the round-length
    dilation c = 2 claimed for every alpha; the GBA(4) file refutes gba-length-general at
    alpha* = 4. Both are files in bounds/evidence/ that tests and ledger read."""
    g6 = json.loads((EVIDENCE_DIR / "gba-g6-prime-a8.json").read_text())
    run = run_case("g6", load_file(EVIDENCE_DIR / "gba-g6-prime-a8.json").instance, "gba",
                   8.0, None)
    r = run.result.rounds[1]
    assert (r.k, r.budget, r.end - r.start) == (1, 8, 19) == (g6["observed"]["round"],
                                                             g6["observed"]["budget"],
                                                             g6["observed"]["length"])
    ch = chain_for("gba", "general")
    rec = judge(ch, evaluate(ch, counterexample_items(), None, 0), [])
    by = {l["name"]: l for l in rec["lemmas"]}
    assert by["gba-round-2tau"]["status"] == "refuted"
    files = {w.get("file") for w in by["gba-round-2tau"]["witnesses"]}
    assert "bounds/evidence/gba-g6-prime-a8.json" in files
    assert by["gba-length-general"]["status"] == "refuted"
    assert by["gba-count"]["status"] == "proved"          # no cap: nothing skipped


def test_certified_gsa_counterexample_refutes_the_gsa_general_chain():
    """docs/counterexamples/gsa-huge-prompts.json (docs/proofs.md): GSA's cost over a
    checked schedule's is above 61.92, so the chain's verdict is REFUTED, certified by a
    schedule the ledger re-checks itself."""
    ch = chain_for("gsa", "general")
    items = [i for i in counterexample_items() if "gsa-huge-prompts" in i.label]
    assert items and items[0].reference is not None
    rec = judge(ch, evaluate(ch, items, None, 0), [])
    assert rec["verdict_kind"] == "REFUTED"
    w = rec["theorem"]["certified_above_bound"][0]
    assert w["ratio"] > float(ch.bound) and w["basis"].startswith("certified")
    assert w["file"] == "docs/counterexamples/gsa-huge-prompts.json"


def test_capped_variant_does_not_claim_gba_count_proved():
    capped = from_derivation(derive("gba", "general"), capped=True)
    count = next(l for l in capped.lemmas if l.name == "gba-count")
    assert count.establishment == ASSUMPTION and capped.dilation == pytest.approx(2.0)
    plain = chain_for("gba", "general")
    assert plain.dilation is None
    assert next(l for l in plain.lemmas if l.name == "gba-count").establishment == PROVED_BY_HAND


def test_exhaust_summaries_and_lemma_results_are_read(tmp_path):
    ch = chain_for("gba", "general")
    ex = tmp_path / "exhaust"
    ex.mkdir()
    summary = {"kind": "kvsched-exhaust-summary", "algorithm": "gba", "alpha": 4.0,
               "box": {"n_max": 3, "M_max": 6}, "instances": 1234,
               "lemmas": {"gba-on-time-general": {"holds": True, "checked": 1234,
                                                  "worst_slack": 0.0,
                                                  "smallest_violation": None},
                          "gba-round-2tau": {"holds": False, "checked": 1234, "worst_slack": -0.1,
                                             "smallest_violation": {"instance": {}, "slack": -0.1,
                                                                    "file": "w.json"}}},
               "worst_ratio": {"value": 1.5, "certified": True, "witness": "r.json"}}
    (ex / "gba-a4.json").write_text(json.dumps(summary))
    (ex / "other.json").write_text(json.dumps({**summary, "alpha": 3.0}))
    (ex / "broken.json").write_text("{")
    sums = exhaust_summaries(ex)
    assert len(sums) == 2
    boxes, above = boxes_for_chain(ch, sums)
    assert not above                                   # 1.5 < 10.67: not a refutation
    assert len(boxes["gba-on-time-general"]) == 1 and "n <= 3" in boxes["gba-on-time-general"][0]["box"]
    on_time = next(l for l in ch.lemmas if l.name == "gba-on-time-general")
    assert S.lemma_status(on_time, True, [], boxes["gba-on-time-general"]).status == S.EXHAUSTIVE
    r2 = next(l for l in ch.lemmas if l.name == "gba-round-2tau")
    assert S.lemma_status(r2, True, [], boxes["gba-round-2tau"]).status == S.REFUTED
    _, above = boxes_for_chain(ch, [{**sums[0], "worst_ratio": {"value": 11.0, "certified": True,
                                                                "witness": "w.json"}}])
    assert above and above[0]["ratio"] == 11.0
    # a lemma-targeted search result is evidence, with its lemma and parameters
    res = tmp_path / "res"
    res.mkdir()
    inst = json.loads((EVIDENCE_DIR / "gba-a4-long-round.json").read_text())["instance"]
    (res / "best.json").write_text(json.dumps({"kind": "kvsched-adversary-lemma",
                                               "lemma": "gba-length-general",
                                               "algorithm": "gba", "regime": "general",
                                               "params": {"alpha": 4.0, "dilation": None},
                                               "instance": inst}))
    items = record_items(res)
    assert [(i.source, i.lemma) for i in items] == [("lemma result", "gba-length-general")]


def test_statuses_agree_at_two_seeds():
    """The default evidence decides every status; extra random instances at two seeds
    change nothing (one chain here; the slow test runs all)."""
    ch = [chain_for("gba", "general")]
    a = ledger(3, 0, None, chains=ch)
    b = ledger(3, 1, None, chains=ch)
    assert [(l["name"], l["status"]) for l in a[0]["lemmas"]] == \
        [(l["name"], l["status"]) for l in b[0]["lemmas"]]
    assert a[0]["verdict"] == b[0]["verdict"]


@pytest.mark.slow
def test_all_statuses_agree_at_two_seeds_and_counts():
    base = ledger(0, 0, None)
    for n, seed in ((8, 1), (27, 2)):
        other = ledger(n, seed, None)
        for r, q in zip(base, other):
            assert r["verdict"] == q["verdict"], (r["chain"], n, seed)
            assert [l["status"] for l in r["lemmas"]] == [l["status"] for l in q["lemmas"]]


def test_contributed_chains_become_verdict_rows():
    """bounds.proved's chains() (the hook) appear as verdict rows; an all-proved chain is
    PROVED, and the same chain with one lemma turned into an assumption is not."""
    from bounds.chains import _as_chains, all_chains
    keys = [c.key for c in all_chains()]
    assert keys[:4] == ["gsa-general", "gsa-large", "gba-general", "gba-large"]
    proved = [c for c in all_chains() if c.source == "bounds.proved"]
    if not proved:
        pytest.skip("bounds.proved exposes no chains")
    c = proved[0]
    recs = ledger(evidence=False, chains=[c])
    assert recs[0]["verdict_kind"] == "PROVED", recs[0]["verdict"]
    lemmas = [replace(l, establishment=ASSUMPTION) if i == len(c.lemmas) - 1 else l
              for i, l in enumerate(c.lemmas)]
    weaker = _as_chains([(c.algorithm, c.regime, lemmas, "test")], "test")[0]
    rec = ledger(evidence=False, chains=[weaker])[0]
    assert rec["verdict_kind"] == "CONDITIONAL" and lemmas[-1].name in rec["verdict"]
