"""Chapter 5's registered claims (see relubook.claims): each conclusion its prose draws from an experiment."""

from __future__ import annotations

from ._registry import claim  # noqa: F401
