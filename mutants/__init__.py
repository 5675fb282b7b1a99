"""Named mutants: deliberate one-line bugs in the algorithms, the checker, the lower bounds,
the exact solvers and the lemma checks, and a runner that shows which tests catch each.

A check that no bug can change is a defect (DEVELOPERS.md); this package measures that.
``mutants.catalogue.MUTANTS`` lists the bugs; ``python -m mutants.run`` applies each to a
temporary copy of the working tree, runs the tests named for it and records whether they
failed (killed) or passed (survived). Results: ``docs/mutation.md``.
"""
