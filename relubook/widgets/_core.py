"""The widget pattern: a pure update function, a live control and a static twin."""

from __future__ import annotations

import inspect
import itertools
import re
from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from .. import plotting

__all__ = ["Redraw", "figure_alt", "figure_png", "live", "settings_grid", "show_result", "speakable", "static_twin"]


_MATH = re.compile(r"\$(.+?)\$")
_TEX_COMMAND = re.compile(r"\\([A-Za-z]+)|\\.")


def speakable(text: str) -> str:
    """``text`` with its matplotlib math (``$...$``) as plain words a screen reader can say.

    ``"$x_2$ against $x_1$"`` becomes ``"x2 against x1"`` and ``"$\\alpha$"`` becomes ``"alpha"``.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")

    def plain(match: re.Match) -> str:
        body = _TEX_COMMAND.sub(lambda m: m.group(1) or "", match.group(1))
        return re.sub(r"[_{}]", "", body)

    return _MATH.sub(plain, text)


def figure_alt(fig: Figure) -> str:
    """Alt text for a widget's figure: its ``alt_text`` attribute, else its titles and axis labels.

    Math in titles and labels is turned into plain words (:func:`speakable`).
    """
    given = getattr(fig, "alt_text", None)
    if given:
        return speakable(str(given))
    parts = []
    suptitle = getattr(fig, "_suptitle", None)
    if suptitle is not None and suptitle.get_text():
        parts.append(suptitle.get_text())
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        bits = [ax.get_title()] if ax.get_title() else []
        xlabel, ylabel = ax.get_xlabel(), ax.get_ylabel()
        if xlabel or ylabel:
            bits.append(f"{ylabel or 'y'} against {xlabel or 'x'}")
        if bits:
            parts.append(", ".join(bits))
    return speakable("Widget figure: " + "; ".join(parts)) if parts else "Widget figure"


def _agg_canvas(fig: Figure):
    """``fig``'s Agg canvas, attaching a new one when the figure has none.

    A figure closed by pyplot (as Jupyter's inline backend does after every cell) keeps
    only a bare ``FigureCanvasBase``, which can neither draw nor hand out its pixels.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    return fig.canvas


def figure_png(fig: Figure, *, draw: bool = True) -> bytes:
    """Draw ``fig`` once on its Agg canvas and return it as PNG bytes.

    ``savefig`` would draw the figure a second time; encoding the canvas buffer
    directly is what keeps a widget's redraw to one draw. With ``draw=False`` the
    canvas is encoded as it is (already drawn by :meth:`Redraw.draw`).
    """
    import io

    from PIL import Image

    canvas = _agg_canvas(fig)
    if draw:
        canvas.draw()
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buffer, format="png")
    return buffer.getvalue()


def show_result(result, *, close: bool = True, drawn: bool = False) -> None:
    """Display what an update function returned: a figure, a text, or a tuple of them.

    A figure is shown as a PNG with alt text (from :func:`figure_alt`), so the widget's
    output is accessible on the static site too. With ``close`` (the default) it is
    closed after display so that repeated updates do not pile up; :func:`live` keeps
    the one figure it reuses open. ``drawn`` says the figures are already drawn on
    their canvases (by :meth:`Redraw.draw`).
    """
    import base64
    import html

    from IPython.display import HTML, display

    items = result if isinstance(result, tuple) else (result,)
    for item in items:
        if isinstance(item, Figure):
            data = base64.b64encode(figure_png(item, draw=not drawn)).decode("ascii")
            alt = html.escape(figure_alt(item), quote=True)
            display(HTML(f'<img src="data:image/png;base64,{data}" alt="{alt}" class="relubook-widget-figure"/>'))
            if close:
                plt.close(item)
        elif item is not None:
            print(item)


def _first_figure(result) -> Figure | None:
    items = result if isinstance(result, tuple) else (result,)
    return next((item for item in items if isinstance(item, Figure)), None)


def _frame(ax) -> tuple:
    """What decides an axes' layout: limits, scales, and the text around it."""
    return (ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(), ax.get_xlabel(), ax.get_ylabel(),
            ax.get_title().count("\n"), bool(ax.get_title()),
            # texts placed near an edge can reach past the axes, and the layout makes room for them
            tuple((tuple(t.get_position()), t.get_ha(), t.get_va()) for t in ax.texts))


def _soft_clear(ax) -> None:
    """Remove what an update drew into ``ax`` but keep the axes, its ticks and its layout."""
    for artist in [*ax.lines, *ax.collections, *ax.texts, *ax.patches, *ax.images]:
        artist.remove()
    if ax.legend_ is not None:
        ax.legend_.remove()
    for loc in ("left", "center", "right"):
        ax.set_title("", loc=loc)
    ax.set_prop_cycle(None)
    ax.relim()
    ax.autoscale(enable=True)


class Redraw:
    """Call an update function for each new setting, reusing one figure when it can.

    A fresh Matplotlib figure per slider move spends most of its time creating
    axes and ticks and laying them out. When ``update`` accepts an ``ax`` keyword
    and its own figure has a single axes, the first call makes that figure and later
    calls clear only what was drawn into the axes and draw again into it; the
    (constrained) layout is computed again only when the axes' limits, scales or
    labels change. :meth:`draw` then renders it the way animations do (blitting):
    the axes' frame (ticks, tick labels, grid, axis labels) is drawn once and kept
    as a background image, and each update draws only its own artists on top.
    This is what :func:`live` runs on each change, and what ``make bench`` times.

    Parameters
    ----------
    update : callable
        ``update(**values)`` returning a Figure, a string, or a tuple of them.

    Attributes
    ----------
    reusing : bool
        True once a figure is being reused (after the first call, when possible).
    """

    def __init__(self, update: Callable):
        if not callable(update):
            raise TypeError(f"update must be callable, got {type(update).__name__}")
        self.update = update
        self.accepts_ax = "ax" in inspect.signature(update).parameters
        self.reusing = False
        self._fig: Figure | None = None
        self._ax = None
        self._last_frame: tuple = ()
        self._engine = None
        self._background = None
        self._background_frame: tuple = ()

    def __call__(self, **values):
        if not self.reusing:
            result = self.update(**values)
            fig = _first_figure(result)
            if self.accepts_ax and fig is not None and len(fig.axes) == 1:
                # Detach the figure from pyplot: it is kept and drawn by this object only, and an
                # open pyplot figure would also be shown by Jupyter's inline backend after the cell.
                plt.close(fig)  # (closing leaves a bare FigureCanvasBase behind)
                _agg_canvas(fig).draw()  # the first layout
                self._fig, self._ax, self.reusing = fig, fig.axes[0], True
                self._engine = fig.get_layout_engine()
                self._last_frame = _frame(self._ax)
                if self._engine is not None:
                    fig.set_layout_engine("none")  # keep the positions just computed
            return result
        before = self._last_frame
        _soft_clear(self._ax)
        result = self.update(**values, ax=self._ax)
        self._last_frame = _frame(self._ax)
        if self._engine is not None:  # lay out again only when something that moves the axes' edges changed
            self._fig.set_layout_engine(self._engine if self._last_frame != before else "none")
        return result

    def _foreground(self) -> list:
        """What is drawn over the background, in the order Axes.draw would draw it."""
        ax = self._ax
        static = (ax.patch, ax.xaxis, ax.yaxis)
        front = [a for a in ax.get_children() if not any(a is s for s in static)]
        return sorted(front, key=lambda a: a.get_zorder())  # stable, as in Axes.draw

    def draw(self, result) -> None:
        """Draw the figures of ``result`` on their Agg canvases (then :func:`figure_png` with ``draw=False``).

        A reused figure is drawn by blitting: the background (everything but the
        artists of the update, the titles, the legend and the spines, which sit
        above the data) is drawn in full only when the axes' frame changed.
        """
        items = result if isinstance(result, tuple) else (result,)
        for fig in (item for item in items if isinstance(item, Figure)):
            canvas = _agg_canvas(fig)
            if fig is not self._fig:
                canvas.draw()
                continue
            front = self._foreground()
            if self._background is None or self._last_frame != self._background_frame:
                if self._engine is not None and fig.get_layout_engine() is self._engine:
                    self._engine.execute(fig)  # lay out with every artist in place, titles included
                    fig.set_layout_engine("none")
                shown = [a for a in front if a.get_visible()]
                for artist in shown:
                    artist.set_visible(False)
                canvas.draw()
                self._background = canvas.copy_from_bbox(fig.bbox)
                self._background_frame = self._last_frame
                for artist in shown:
                    artist.set_visible(True)
            else:
                canvas.restore_region(self._background)
            renderer = canvas.get_renderer()
            for artist in front:
                if artist.get_visible():
                    artist.draw(renderer)


def _labelled(control):
    """``control`` as it is shown: a Play control with its description beside it.

    ipywidgets draws every control's ``description`` as a label except Play's, whose
    buttons would then stand unnamed; this row gives it the same right-aligned label.
    """
    import ipywidgets as w

    if isinstance(control, w.Play) and control.description:
        # the column the other controls' descriptions use: as wide, text to the right
        column = w.Layout(width="var(--jp-widgets-inline-label-width)", display="flex",
                          justify_content="flex-end", margin="0 calc(var(--jp-widgets-inline-margin) * 2) 0 0")
        return w.HBox([w.Label(control.description, layout=column), control])
    return control


def live(update: Callable, controls: Mapping[str, object], *, layout: str = "vertical", name: str | None = None,
         frames: Mapping | None = None, max_frames: int | None = None):
    """Wire ipywidgets ``controls`` to a pure ``update`` function.

    With a kernel every control is live. When the static site is built (``make book`` sets
    ``RELUBOOK_FRAMES_DIR``), the widget's frames over a grid of settings are also precomputed
    (:mod:`relubook.widgets.frames`) and the controls snap to that grid, so that the page's
    controls switch between the frames with no kernel.

    Parameters
    ----------
    update : callable
        ``update(**values)`` returning a Figure, a string, or a tuple of them.
    controls : dict
        Maps each keyword of ``update`` to an ipywidgets control with a ``.value``.
    layout : {"vertical", "horizontal"}
        Controls above the output, or beside it.
    name : str, optional
        The widget's short name in shared-setting URLs (``page.html#neuron:w=2,b=-1``);
        default the update function's name without ``update_``.
    frames : dict, optional
        The site's grid, per control: a stride (keep every k-th slider step) or the values to
        keep (see :func:`relubook.widgets.frames.control_grid`).
    max_frames : int, optional
        At most this many precomputed frames (default 400, 300 for a training widget).

    Returns
    -------
    ipywidgets.Box
        The widget to display. ``.redraw()`` re-runs the update; ``.controls``
        and ``.output`` give access to the parts (used by the browser tests).
    """
    import ipywidgets as w

    if not callable(update):
        raise TypeError(f"update must be callable, got {type(update).__name__}")
    if not isinstance(controls, Mapping) or not controls:
        raise TypeError("controls must be a non-empty dict of name -> ipywidgets control")
    params = inspect.signature(update).parameters
    accepts_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    for key, control in controls.items():
        if not accepts_any and key not in params:
            raise ValueError(f"controls has {key!r}, which update() does not accept")
        if not hasattr(control, "observe") or not hasattr(control, "value"):
            raise TypeError(f"controls[{key!r}] must be an ipywidgets control")
    if name is not None and (not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", name)):
        raise ValueError(f"name must be letters, digits, '_' or '-', got {name!r}")

    from .frames import prepare

    prepared = prepare(update, controls, name=name, frames=frames, max_frames=max_frames)  # site build only
    output = w.Output()
    run = Redraw(update)

    def redraw(change=None):
        values = {key: control.value for key, control in controls.items()}
        with output:
            output.clear_output(wait=True)
            result = run(**values)
            run.draw(result)
            show_result(result, close=not run.reusing, drawn=True)

    for control in controls.values():
        control.observe(redraw, names="value")
    panel = (w.VBox if layout == "vertical" else w.HBox)([_labelled(c) for c in controls.values()])
    box = (w.VBox if layout == "vertical" else w.HBox)([panel, output])
    box.add_class("relubook-widget")
    box.redraw = redraw
    box.controls = dict(controls)
    box.output = output
    box.frames = prepared
    if prepared is None:
        redraw()
    else:  # the site: the first frame, tagged so that the page's widget manager swaps in the others
        for tag in ("relubook-frames", f"relubook-frames-id-{prepared.frame_id}",
                    f"relubook-frames-name-{prepared.name}"):
            box.add_class(tag)
        from IPython.display import HTML, display

        with output:
            display(HTML(prepared.html))
            if prepared.text:
                print(prepared.text, end="")
    return box


def settings_grid(grid: Mapping[str, Sequence]) -> list[dict]:
    """All combinations of the values in ``grid`` (the first key varies slowest)."""
    if not isinstance(grid, Mapping) or not grid:
        raise TypeError("grid must be a non-empty dict of name -> list of values")
    keys = list(grid)
    for key in keys:
        if isinstance(grid[key], (str, bytes)) or not isinstance(grid[key], Sequence | np.ndarray):
            raise TypeError(f"grid[{key!r}] must be a list of values")
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(grid[k] for k in keys))]


def _format_setting(setting: Mapping) -> str:
    parts = []
    for key, value in setting.items():
        if isinstance(value, float):
            value = f"{value:g}"
        parts.append(f"{key} = {value}")
    return ", ".join(parts)


def static_twin(update: Callable, grid: Mapping[str, Sequence] | None = None, *,
                settings: Sequence[Mapping] | None = None, ncols: int | None = None,
                size: tuple[float, float] = (2.9, 2.3), title: Callable[[dict], str] | None = None,
                sharey: bool = True) -> Figure:
    """Small multiples of ``update``: one panel per setting, for the static site.

    ``update`` must accept an ``ax`` keyword and draw into it.

    Parameters
    ----------
    update : callable
        The widget's update function.
    grid : dict, optional
        Name -> list of values; every combination gets a panel.
    settings : list of dict, optional
        Explicit settings instead of ``grid``.
    ncols : int, optional
        Panels per row (default: the number of values of the last grid key, at most 5).
    size : (float, float)
        Size of one panel in inches.
    title : callable, optional
        Setting -> panel title (default ``"w = 1, b = 0"`` style).
    sharey : bool
        Share the y axis between panels.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if "ax" not in inspect.signature(update).parameters:
        raise TypeError("update must accept an `ax` keyword to draw a static twin")
    if (grid is None) == (settings is None):
        raise TypeError("give exactly one of grid or settings")
    combos = settings_grid(grid) if grid is not None else [dict(s) for s in settings]
    if not combos:
        raise ValueError("settings must not be empty")
    if ncols is None:
        ncols = min(5, len(grid[list(grid)[-1]])) if grid is not None else min(5, len(combos))
    nrows = -(-len(combos) // ncols)
    fig, axes = plotting.subplots(nrows, ncols, size=size, sharey=sharey, squeeze=False)
    for ax, setting in zip(axes.flat, combos, strict=False):
        update(**setting, ax=ax)
        ax.set_title(title(setting) if title else _format_setting(setting), fontsize=9)
    for ax in list(axes.flat)[len(combos):]:
        ax.set_visible(False)
    return fig
