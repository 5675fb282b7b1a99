"""The four ratios come out of the lemma composition (not typed in), their exact minima,
the second-order and limit checks, and every algebraic step of the lemmas."""
import pytest
import sympy as sp

import bounds
from bounds import algebra as A
from bounds.algebra import alpha
from bounds.catalogue import dilation, interval_factor, lemmas_for
from bounds.derive import compose, derive, minimise, round_up_2dp

a = alpha
# SPEC section 4 closed forms and their minima: the targets, compared exactly
TARGETS = {
    ("gba", "large"): (a**3 / (a - 1)**2, sp.Integer(3), sp.Rational(27, 4)),
    ("gba", "general"): (a**2 * (a + 2) / (a - 1)**2, sp.Integer(4), sp.Rational(32, 3)),
    ("gsa", "large"): (2 * a**4 / (a - 1)**2, sp.Integer(2), sp.Integer(32)),
    ("gsa", "general"): (2 * a**3 * (a + 2) / (a - 1)**2, (1 + sp.sqrt(13)) / 2,
                         (92 + 26 * sp.sqrt(13)) / 3),
}
PAIRS = sorted(TARGETS)


@pytest.mark.parametrize("alg, regime", PAIRS)
def test_composition_gives_spec_closed_form(alg, regime):
    expr, a_star, value = TARGETS[(alg, regime)]
    d = derive(alg, regime)
    assert sp.simplify(d.expression - expr) == 0
    assert sp.simplify(bounds.ratio_expression(alg, regime) - expr) == 0
    assert sp.simplify(d.alpha_star - a_star) == 0
    assert sp.simplify(d.value - value) == 0


@pytest.mark.parametrize("alg, regime", PAIRS)
def test_expression_is_the_product_of_the_lemma_constants(alg, regime):
    d = derive(alg, regime)
    assert [l.name for l in d.lemmas] == [l.name for l in lemmas_for(alg, regime)]
    assert sp.simplify(d.expression - sp.Mul(*[l.constant for l in d.lemmas])) == 0
    # more than one lemma carries a constant: the ratio is a composition, not one literal
    assert sum(l.constant != 1 for l in d.lemmas) >= 2
    # compose follows a changed constant: nothing is stored as a literal
    from dataclasses import replace
    changed = [replace(d.lemmas[0], constant=d.lemmas[0].constant * a)] + d.lemmas[1:]
    assert sp.simplify(compose(changed) - a * d.expression) == 0


def test_gsa_is_2alpha_times_gba():
    for regime in ("general", "large"):
        assert sp.simplify(bounds.ratio_expression("gsa", regime)
                           - 2 * a * bounds.ratio_expression("gba", regime)) == 0


def test_lemma_constants_come_from_sums():
    assert sp.simplify(interval_factor(0) - a**2 / (a - 1)) == 0
    assert sp.simplify(interval_factor(1) - a**3 / (a - 1)) == 0
    assert sp.simplify(dilation("large") - a / (a - 1)) == 0
    assert sp.simplify(dilation("general") - (a + 2) / (a - 1)) == 0
    with pytest.raises(ValueError):
        dilation("medium")


@pytest.mark.parametrize("alg, regime", PAIRS)
def test_second_order_limits_and_uniqueness(alg, regime):
    m = derive(alg, regime).minimum
    assert m.is_unique_minimum
    assert len(m.critical_points) == 1
    assert bool(m.second_derivative > 0)
    assert m.limit_at_1 == sp.oo and m.limit_at_oo == sp.oo
    # the minimum is below R on a grid around it (the check can fail)
    R = sp.lambdify(a, derive(alg, regime).expression)
    x = float(m.alpha_star)
    assert all(R(x) <= R(x + h) + 1e-12 for h in (-0.3, -0.01, 0.01, 0.3, 3.0))


def test_minimise_detects_missing_critical_point():
    with pytest.raises(ValueError):
        minimise(a)                          # increasing on (1, oo): no critical point


@pytest.mark.parametrize("alg, regime", PAIRS)
def test_published_value_is_exact_minimum_rounded_up(alg, regime):
    d = derive(alg, regime)
    assert d.matches_published
    assert 0 <= d.published - float(d.value) < 0.01
    assert round_up_2dp(d.value) == sp.nsimplify(d.published)


def test_gsa_general_published_value_is_not_nearest_rounding():
    d = derive("gsa", "general")
    assert not d.matches_nearest_rounding        # 61.9148 rounds to 61.91, not 61.92
    assert d.matches_published


@pytest.mark.parametrize("alg, regime", PAIRS)
def test_every_algebra_step_holds(alg, regime):
    steps = [s for l in lemmas_for(alg, regime) for s in l.algebra_steps()]
    assert steps
    bad = [s for s in steps if not s.holds]
    assert not bad, bad


@pytest.mark.parametrize("alg, regime", PAIRS)
def test_minimiser_inside_every_lemma_range(alg, regime):
    assert derive(alg, regime).lemmas_valid_at_minimiser() == []


def test_general_dilation_needs_alpha_at_most_4():
    c = dilation("general")
    assert A.at_most("c >= 2 on (1,4]", sp.Integer(2), c, hi=4).holds
    assert not A.at_most("c >= 2 on (1,5]", sp.Integer(2), c, hi=5).holds
    l = [x for x in lemmas_for("gba", "general") if x.name == "gba-length-general"][0]
    assert l.holds_at(sp.Integer(4)) and not l.holds_at(sp.Integer(5))


def test_algebra_engine_can_fail_and_falls_back_to_intervals():
    assert not A.nonnegative("a - 2 >= 0", a - 2).holds
    assert not A.identity("wrong", a**2, a * (a + 1)).holds
    s = A.nonnegative("(a-3)^2 >= 0", (a - 3)**2, pieces=400)
    assert s.holds and "interval" in s.method          # no certificate after a = 1 + t
    s = A.nonnegative("(a-3)^2 - 1/100 >= 0", (a - 3)**2 - sp.Rational(1, 100), pieces=400)
    assert not s.holds and "interval" in s.method
    assert A.at_most("a/(a-1) <= a^2/(a-1)", a / (a - 1), a**2 / (a - 1)).method.startswith("sympy")


def test_ratio_value():
    assert bounds.ratio_value("gba", "large", 3.0) == pytest.approx(6.75)
    assert bounds.ratio_value("gsa", "large", 2.0) == pytest.approx(32.0)
    assert bounds.ratio_value("gba", "general", 2.0) == pytest.approx(16.0)
    with pytest.raises(ValueError):
        bounds.ratio_value("gba", "large", 1.0)
    with pytest.raises(ValueError):
        bounds.ratio_expression("fcfs", "large")


def test_derive_all_interface():
    ds = bounds.derive_all()
    assert [(d.algorithm, d.regime) for d in ds] == [("gsa", "general"), ("gsa", "large"),
                                                    ("gba", "general"), ("gba", "large")]
    for d in ds:
        rec = d.to_dict()
        assert {"algorithm", "regime", "expression", "alpha_star", "value", "published",
                "lemmas"} <= set(rec)
        assert rec["lemmas"] == [l.name for l in d.lemmas]


@pytest.mark.parametrize("alg, regime", PAIRS)
def test_global_minimum_by_division(alg, regime):
    steps = derive(alg, regime).optimisation_steps()
    assert len(steps) == 2 and all(s.holds for s in steps), steps


def test_global_minimum_steps_fail_at_a_wrong_point():
    from bounds.derive import global_minimum_steps
    R = derive("gba", "large").expression
    steps = global_minimum_steps(R, sp.Integer(2), R.subs(a, 2))     # 2 is not the minimiser
    assert not all(s.holds for s in steps)


def test_interval_fallback_encloses_irrational_constants():
    s = A.nonnegative("(a - sqrt 13)^2 >= 0", (a - sp.sqrt(13))**2 + sp.Rational(1, 100),
                      pieces=300)
    assert s.holds and "interval" in s.method
