"""Widgets of the book, one module per chapter, all following one pattern.

Every widget is three things:

1. a pure **update function** ``update(**settings, ax=None)`` that computes and
   draws one setting and returns the Matplotlib figure (tests call it directly);
2. a **live control**, :func:`live`, wiring ipywidgets controls to ``update``;
3. a **static twin**, :func:`static_twin`, drawing several settings side by
   side so a reader of the static site loses nothing.
"""

from ._core import Redraw, figure_alt, figure_png, live, settings_grid, show_result, speakable, static_twin

__all__ = ["Redraw", "figure_alt", "figure_png", "live", "settings_grid", "show_result", "speakable", "static_twin"]
