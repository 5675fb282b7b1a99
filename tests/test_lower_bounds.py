"""Lower bounds never exceed the cost of a checked feasible schedule, and the combined
bound dominates its parts."""
from hypothesis import given

from kvsched import Instance, lb_area, lb_combined, lb_sum_o
from kvsched.algorithms import run_algorithm

from conftest import instances


def test_area_bound_by_hand():
    inst = Instance(s=[0, 0], o=[2, 2], M=3)   # areas 3, 3: C_[1] >= 1, C_[2] >= 2
    assert lb_area(inst) == 1 + 2
    assert lb_sum_o(inst) == 4
    assert lb_combined(inst) == 2 + 2


@given(instances(n_max=7))
def test_bounds_below_feasible_costs(inst):
    ub = min(run_algorithm(a, inst).objective for a in ("sequential_spt", "sequential_nc"))
    c = lb_combined(inst)
    assert max(lb_sum_o(inst), lb_area(inst)) <= c <= ub
