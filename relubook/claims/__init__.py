"""Registered claims: each conclusion the prose draws from an experiment, with its experiment.

One module per chapter registers that chapter's claims (``@claim(...)`` on the experiment);
the chapter reads its numbers from ``claims.check("ch4.some_claim")`` and ``make test``
re-runs every claim on held-out seeds and neighbouring settings (``tests/test_claims.py``).
See :mod:`relubook.claims._registry` and STYLE.md, "Claims".
"""

from ._registry import (
    HELD_OUT_BASE,
    Claim,
    ClaimFailed,
    Outcome,
    check,
    claim,
    fraction_at_least,
    registry,
    replicate,
)

__all__ = ["HELD_OUT_BASE", "Claim", "ClaimFailed", "Outcome", "check", "claim", "fraction_at_least",
           "registry", "replicate"]
