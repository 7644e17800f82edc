"""Widgets of the book, one module per chapter, all following one pattern.

Every widget is three things:

1. a pure **update function** ``update(**settings, ax=None)`` that computes and
   draws one setting and returns the Matplotlib figure (tests call it directly);
2. a **live control**, :func:`live`, wiring ipywidgets controls to ``update``. With a
   kernel (JupyterLab, Binder, Colab) every value is computed on the spot. When the
   site is built (``make book``), :mod:`relubook.widgets.frames`, the **frame store**,
   also draws ``update`` over a grid of the controls' settings, and the site's controls
   switch between those frames with no kernel (the same cell serves both);
3. a **static twin**, :func:`static_twin`, drawing several settings side by
   side for print and PDF.

Experiments (training runs, estimates, tables) live in modules named for what they
compute; they never import widgets.
"""

from . import frames
from ._core import Redraw, figure_alt, figure_png, live, settings_grid, show_result, speakable, static_twin

__all__ = ["Redraw", "figure_alt", "figure_png", "frames", "live", "settings_grid", "show_result", "speakable",
           "static_twin"]
