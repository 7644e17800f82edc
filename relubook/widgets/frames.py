"""The frame store: what a live widget draws over a grid of settings, precomputed for the static site.

The same cell, ``display(rw.live(update, controls))``, serves both doors of the book:

* with a kernel (JupyterLab, Binder, Colab, nbval, ``tools/nb.py execute``) every control is
  live and any value is computed on the spot; nothing here runs;
* when the site is built (``make book`` sets the environment variable ``RELUBOOK_FRAMES_DIR``),
  :func:`prepare` also walks a grid of settings derived from the controls (each slider's own
  min/max/step, subsampled so that a widget has at most ``max_frames`` frames; every dropdown
  option), draws each setting with the widget's own update function, and writes one PNG per
  setting plus a ``manifest.json`` (the grid, each frame's setting, alt text and printed text)
  into ``$RELUBOOK_FRAMES_DIR/<id>/``. The controls are changed so that on the page they take
  only grid values (a slider's step becomes the grid's step), and the widget's box is tagged
  (CSS classes ``relubook-frames``, ``relubook-frames-id-<id>``, ``relubook-frames-name-<name>``)
  so that the book's widget manager (browser/widgets/frames.js) fetches the manifest on
  the first interaction and swaps the picture. The Sphinx extension tools/sphinx_offline.py copies
  the frame folders that the built pages name into ``_static/frames/``.

Frames are cached by widget id: a hash of the update function (its source, or its code, plus
partial arguments), of every source file of the :mod:`relubook` package, and of the grid. A
second build with nothing changed draws nothing.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import inspect
import io
import json
import math
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = [
    "FRAMES_ENV",
    "MAX_FRAMES",
    "SITE_FRAMES",
    "ControlGrid",
    "control_grid",
    "frames_dir",
    "plan_counts",
    "prepare",
    "readout",
    "widget_name",
]

#: Environment variable naming the folder frames are written to (set by the Makefile's book targets).
FRAMES_ENV = "RELUBOOK_FRAMES_DIR"
#: Most frames one widget gets by default (a cheap widget: about 25 ms and 20 kB a frame).
MAX_FRAMES = 400
#: Most frames a training widget gets (its module lists it in ``TRAINING_WIDGETS``).
MAX_TRAINING_FRAMES = 300
#: The site's grid for widgets whose full product of controls would be too slow to precompute:
#: ``update``'s function name -> control -> stride (keep every k-th step of the slider) or the
#: values to keep (dropdown options; equally spaced slider values). ``live(..., frames=...)``
#: overrides an entry. Chosen for the cold build (< 10 min on 2 cores) and the exercises' answers:
#: kill a network keeps every second learning rate of ``LR_GRID`` (10**(k/10)), so the smallest
#: killing rate 10**0.3 is on the grid, and the initial biases -3, -1.5 and 0; the gradient-flow
#: widget keeps every depth (its exercise asks for the smallest depth at which the gradient
#: vanishes); the playground keeps two values of each setting, among them the spiral exercise's
#: solution (tanh, 2 x 16, lr 1, 3000 steps).
SITE_FRAMES: dict[str, dict[str, int | Sequence]] = {
    "update_kill": {"lr": 2, "bias": 6},
    "update_gradient_flow": {"depth": 1, "init_scale": 5},
    "update_playground": {
        "activation": ["relu", "tanh"], "width": [8, 16], "depth": [2, 4],
        "lr": [10 ** -0.5, 1.0], "steps": 10,
    },
}
MINUS = "\u2212"  # d3-format, which ipywidgets' readouts use, writes negatives with U+2212


def frames_dir() -> Path | None:
    """The folder frames go to when the site is being built, else None (a kernel: nothing to do)."""
    value = os.environ.get(FRAMES_ENV, "").strip()
    return Path(value) if value else None


def readout(value, fmt: str) -> str:
    """``value`` as an ipywidgets 8 slider's readout shows it (d3-format ``fmt``: ``.2f``, ``.3g``, ``d``)."""
    if not isinstance(fmt, str):
        raise TypeError(f"fmt must be a str, not {type(fmt).__name__}")
    match = re.fullmatch(r"(\.\d+)?([dfge%])?", fmt)
    if match is None:
        text = str(value)
    else:
        precision, kind = match.group(1) or "", match.group(2) or "g"
        if kind == "d":
            text = f"{round(value):d}"
        elif kind == "g":  # d3's g keeps trailing zeros (toPrecision): Python's alternate form
            text = format(float(value), f"#{precision or '.6'}g")
            text = text.rstrip(".") if "e" not in text else text
        else:
            text = format(float(value), f"{precision}{kind}")
    return text.replace("-", MINUS) if text.startswith("-") else text


def _clean(value: float) -> float:
    return float(f"{value:.12g}")


def widget_name(update: Callable) -> str:
    """The widget's short name for shared-setting URLs: ``update_neuron`` -> ``neuron``."""
    func = update
    while isinstance(func, functools.partial):
        func = func.func
    name = getattr(func, "__name__", type(func).__name__)
    name = re.sub(r"^update_", "", name)
    return re.sub(r"[^A-Za-z0-9_-]", "-", name) or "widget"


def _qualified(update: Callable) -> str:
    func = update
    while isinstance(func, functools.partial):
        func = func.func
    return f"{getattr(func, '__module__', '')}.{getattr(func, '__qualname__', '')}"


@functools.cache
def _package_hash() -> str:
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _update_identity(update: Callable) -> str:
    parts = []
    func = update
    while isinstance(func, functools.partial):
        parts.append(repr((func.args, sorted(func.keywords.items()))))
        func = func.func
    parts.append(_qualified(func))
    try:
        parts.append(inspect.getsource(func))
    except (OSError, TypeError):
        code = getattr(func, "__code__", None)
        parts.append(repr((code.co_code, code.co_consts)) if code is not None else repr(func))
    return "\n".join(parts)


# ---------------------------------------------------------------- one control's grid
@dataclass
class ControlGrid:
    """The values one control takes on the site.

    Attributes
    ----------
    kind : {"value", "index"}
        What the browser compares: the model's ``value`` (sliders, Play, Checkbox) or its
        ``index`` (Dropdown and the other selection widgets, whose value stays in the kernel).
    keys : list
        The browser's value of each grid point (numbers or option indices).
    values : list
        The value ``update`` receives for each grid point.
    labels : list of str
        Each point as the control's readout shows it.
    attrs : dict
        Traits set on the control so that it takes only grid values (``min``, ``max``, ``step``,
        ``value``, ``disabled``; or ``options`` and ``index``).
    initial : int
        Position of the control's (snapped) starting value in the grid.
    """

    kind: str
    keys: list
    values: list
    labels: list[str]
    attrs: dict = field(default_factory=dict)
    initial: int = 0


def _is_selection(control) -> bool:
    return hasattr(control, "index") and hasattr(control, "_options_labels")


def _full_count(control, step: float | None = None) -> int:
    if _is_selection(control):
        return len(control._options_labels)
    if isinstance(getattr(control, "value", None), bool):
        return 2
    if not all(hasattr(control, a) for a in ("min", "max", "step")) or not (step or control.step):
        return 1
    return int(math.floor((control.max - control.min) / (step or control.step) + 1e-9)) + 1


def _log_base(control):
    return getattr(control, "base", None) if type(control).__name__ == "FloatLogSlider" else None


def control_grid(control, target: int | None = None, hint: int | Sequence | None = None, *,
                 step: float | None = None) -> ControlGrid:
    """The grid of ``control``'s values for the site.

    A slider keeps every ``k``-th step of its own grid (``k`` from ``hint`` if it is an int, else
    the smallest ``k`` giving at most ``target`` values), anchored at its minimum when the start
    value lies on that grid, else at the start value; a start value off the slider's own steps
    (a log slider started at 0.3) is moved to the nearest step. ``hint`` may also list the
    values to keep (equally spaced, on the slider's steps). A selection widget keeps every option,
    or the options listed in ``hint``. ``step`` is the slider's own step when its ``step`` trait
    was already coarsened (a second walk over the same control).
    """
    if _is_selection(control):
        labels, values = list(control._options_labels), list(control._options_values)
        keep = list(range(len(labels)))
        if hint is not None and not isinstance(hint, int):
            keep = [i for i, v in enumerate(values) if any(v == h for h in hint)]
            if control.index not in keep:
                keep.insert(0, control.index)
            keep.sort()
        elif target is not None and len(keep) > target:
            step = -(-len(keep) // max(1, target))
            keep = sorted(set(keep[::step]) | {control.index})
        attrs = {}
        if len(keep) < len(labels):
            attrs = {"options": [(labels[i], values[i]) for i in keep]}
            keys = list(range(len(keep)))
        else:
            keys = keep
        initial = keep.index(control.index)
        return ControlGrid("index", keys, [values[i] for i in keep], [labels[i] for i in keep], attrs, initial)
    value = control.value
    if isinstance(value, bool):
        return ControlGrid("value", [False, True], [False, True], ["False", "True"], {}, int(value))
    fmt = getattr(control, "readout_format", "") or ("d" if isinstance(value, int) else ".2f")
    if getattr(control, "disabled", False) or _full_count(control, step) <= 1:
        return ControlGrid("value", [value], [value], [readout(value, fmt)], {}, 0)
    base = _log_base(control)
    is_int = isinstance(control.step, int) and isinstance(value, int)
    lo, step = control.min, step or control.step
    position = ((math.log(value, base) if base else value) - lo) / step  # the start, in steps from min
    n_full = _full_count(control, step)
    start = min(max(round(position), 0), n_full - 1)
    if hint is not None and not isinstance(hint, int):
        wanted = sorted(((math.log(h, base) if base else h) - lo) / step for h in hint)
        idx = [round(p) for p in wanted]
        stride = idx[1] - idx[0] if len(idx) > 1 else n_full
        if any(abs(p - i) > 1e-6 for p, i in zip(wanted, idx, strict=True)) or stride <= 0 or any(
                b - a != stride for a, b in zip(idx, idx[1:], strict=False)):
            raise ValueError(f"frames for {control.description!r} must be equally spaced values on its steps")
        if start not in idx:
            start = min(idx, key=lambda i: abs(i - position))
        points = idx
    else:
        if isinstance(hint, int):
            stride = max(1, hint)
        else:
            stride = _choose_stride(n_full, start, max(1, target or n_full))
        anchor = 0 if start % stride == 0 else start % stride
        points = list(range(anchor, n_full, stride))
    exps = [lo + i * step for i in points]
    if is_int:
        keys = [int(e) for e in exps]
        values = keys
    elif base:
        keys = [_clean(base ** e) for e in exps]
        values = keys
    else:
        keys = [_clean(e) for e in exps]
        values = keys
    new_step = (points[1] - points[0]) * step if len(points) > 1 else step
    attrs = {"min": _clean(exps[0]) if not is_int else int(exps[0]),
             "max": _clean(exps[-1]) if not is_int else int(exps[-1]),
             "step": (int(new_step) if is_int else _clean(new_step)),
             "value": values[points.index(start)]}
    return ControlGrid("value", keys, values, [readout(v, fmt) for v in values], attrs, points.index(start))


def _choose_stride(n: int, start: int, target: int) -> int:
    """The stride through a slider's ``n`` steps that keeps at most ``target`` values.

    First a round stride (1, 2, 5, 10, ...) whose grid from the minimum passes the start value;
    else any stride whose grid from the minimum passes the start and keeps at least half of
    ``target`` values; else the round stride, its grid anchored at the start value.
    """
    fits = [k for k in range(1, n + 1) if -(-n // k) <= target]
    nice = [k for k in _nice_strides(n) if k in fits]
    for k in nice:
        if start % k == 0:
            return k
    for k in fits:
        if start % k == 0 and 2 * -(-n // k) >= target:
            return k
    return nice[0] if nice else fits[0]


def _nice_strides(n: int) -> list[int]:
    """1, 2, 5, 10, 20, 50, ... up to ``n`` (and ``n``): strides that keep a slider's values round."""
    out, scale = [], 1
    while scale <= n:
        out += [k * scale for k in (1, 2, 5) if k * scale <= n]
        scale *= 10
    return sorted(set(out) | {max(1, n)})


def _apply(control, attrs: Mapping) -> None:
    """Set ``attrs`` on ``control`` in an order its validators accept."""
    if "options" in attrs:
        current = control.value
        control.options = attrs["options"]
        values = [v for _, v in attrs["options"]]
        if current in values:
            control.value = current
        return
    if "min" in attrs:  # widen first, then narrow: min may not pass max on the way
        control.min = min(attrs["min"], control.min)
        control.max = max(attrs["max"], control.max)
        control.step = attrs["step"]
        control.min, control.max = attrs["min"], attrs["max"]
    if "value" in attrs:
        control.value = attrs["value"]


def _signature(control) -> tuple:
    if _is_selection(control):
        return ("sel", tuple(control._options_labels))
    return tuple(getattr(control, a, None) for a in ("min", "max", "disabled"))


def plan_counts(full: Sequence[int], max_frames: int) -> list[int]:
    """At most how many values each control keeps so that their product is at most ``max_frames``.

    The control with the most values gives up values first (halving it), so the grid stays as even
    as the controls allow; a control never goes below two values (or its own count if smaller).
    """
    if max_frames < 1:
        raise ValueError(f"max_frames must be >= 1, got {max_frames}")
    counts = [max(1, int(n)) for n in full]
    while math.prod(counts) > max_frames:
        shrinkable = [i for i, n in enumerate(counts) if n > 2]
        if not shrinkable:
            break
        i = max(shrinkable, key=lambda j: counts[j])
        counts[i] = max(2, -(-counts[i] // 2))
    return counts


# ---------------------------------------------------------------- the walk over the grid
@dataclass
class _Walk:
    controls: list  # [(name, control)]
    counts: list[int]
    hints: dict
    memo: dict = field(default_factory=dict)
    steps: dict = field(default_factory=dict)  # j -> the control's own step, before the walk
    grids0: list = field(default_factory=list)
    points: list = field(default_factory=list)  # (values dict, keys list, labels list)
    states: dict = field(default_factory=dict)  # j -> {prefix keys tuple: attrs}

    def grid(self, j: int) -> ControlGrid:
        name, control = self.controls[j]
        key = (j, _signature(control))
        if key not in self.memo:
            g = control_grid(control, self.counts[j], self.hints.get(name), step=self.steps.get(j))
            self.memo[key] = g
            _apply(control, g.attrs)
            self.memo[(j, _signature(control))] = g
        else:
            g = self.memo[key]
            _apply(control, g.attrs)
        return g


def _set(control, grid: ControlGrid, i: int) -> None:
    if grid.kind == "index":
        control.index = grid.keys[i]
    else:
        control.value = grid.values[i]


def _walk(controls: list, counts: list[int], hints: dict) -> _Walk:
    walk = _Walk(controls, counts, hints)
    walk.steps = {j: c.step for j, (_, c) in enumerate(controls) if getattr(c, "step", None)}
    for j, (_, control) in enumerate(controls):  # the start: every control snapped to its grid
        g = walk.grid(j)
        _set(control, g, g.initial)
        walk.grids0.append(g)

    def descend(j: int, values: dict, keys: list, labels: list) -> None:
        if j == len(controls):
            walk.points.append((dict(values), list(keys), list(labels)))
            return
        name, control = controls[j]
        g = walk.grid(j)
        walk.states.setdefault(j, {})[tuple(keys)] = _state(control)
        for i in range(len(g.keys)):
            _set(control, g, i)
            descend(j + 1, {**values, name: g.values[i]}, [*keys, g.keys[i]], [*labels, g.labels[i]])

    descend(0, {}, [], [])
    for j, (_, control) in enumerate(controls):  # back to the start
        g = walk.grid(j)
        _set(control, g, g.initial)
    for j in list(walk.states):  # keep only the controls whose range depends on earlier ones
        if len({json.dumps(s, sort_keys=True, default=str) for s in walk.states[j].values()}) <= 1:
            del walk.states[j]
    return walk


def _held(controls) -> ExitStack:
    """Hold every control's sync to the front end until the block ends (``Widget.hold_sync``).

    The walk sets each control hundreds of times (the gradient-flow widget's 784 settings make
    about 1200 changes). Sent one by one, they flood the kernel's IOPub channel, whose ZMQ queues
    drop messages beyond their high-water mark (1000) when the client reads slowly, as on a loaded
    build machine: the notebook's stored widget state then keeps some setting of the walk instead
    of the start, and the page's controls disagree with its picture. Held, each control sends its
    final state once.
    """
    stack = ExitStack()
    for control in controls:
        hold = getattr(control, "hold_sync", None)
        if hold is not None:
            stack.enter_context(hold())
    return stack


def _state(control) -> dict:
    if _is_selection(control):  # its options (the index left by the walk says nothing)
        return {"labels": list(control._options_labels)}
    return {a: getattr(control, a) for a in ("min", "max", "step", "value", "disabled") if hasattr(control, a)}


# ---------------------------------------------------------------- drawing and writing
def _png(fig, *, drawn: bool) -> bytes:
    """The figure as a 256-colour PNG (a third of the bytes of Agg's RGBA, the same picture to the eye)."""
    from PIL import Image

    from ._core import _agg_canvas

    canvas = _agg_canvas(fig)
    if not drawn:
        canvas.draw()
    image = Image.fromarray(np.asarray(canvas.buffer_rgba())).convert("RGB")
    buffer = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(buffer, format="png")
    return buffer.getvalue()


def _draw(run, values: dict) -> tuple[bytes | None, str, str]:
    """(PNG, alt text, printed text) of one setting, drawn by ``run`` (a :class:`Redraw`)."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from ._core import figure_alt

    printed = io.StringIO()
    with redirect_stdout(printed):
        result = run(**values)
        run.draw(result)
    items = result if isinstance(result, tuple) else (result,)
    png, alt, texts = None, "", [printed.getvalue()] if printed.getvalue() else []
    for item in items:
        if isinstance(item, Figure):
            if png is None:
                png, alt = _png(item, drawn=True), figure_alt(item)
            if item is not run._fig:
                plt.close(item)
        elif item is not None:
            texts.append(f"{item}\n")
    return png, alt, "".join(texts)


def _describe(controls: list, labels: Sequence[str]) -> str:
    return ", ".join(f"{(c.description or name)} = {label}" for (name, c), label in zip(controls, labels, strict=True))


@dataclass
class Prepared:
    """What :func:`prepare` hands back to :func:`live`: the tag for the box and the first frame."""

    frame_id: str
    name: str
    html: str
    text: str
    manifest: dict


def prepare(update: Callable, controls: Mapping[str, object], *, name: str | None = None,
            frames: Mapping | None = None, max_frames: int | None = None,
            out_dir: Path | None = None) -> Prepared | None:
    """Precompute ``update``'s frames for the site; None when no site is being built.

    Snaps ``controls`` to the site's grid (in place), draws every grid setting (unless the same
    widget's frames are already stored), writes them with their manifest into
    ``out_dir/<id>/`` (default ``$RELUBOOK_FRAMES_DIR``), and returns the first frame as the HTML
    the widget's output shows.
    """
    out_dir = frames_dir() if out_dir is None else Path(out_dir)
    if out_dir is None:
        return None
    from ._core import Redraw

    items = list(controls.items())
    func = update
    while isinstance(func, functools.partial):
        func = func.func
    module = sys.modules.get(getattr(func, "__module__", "") or "")
    training = getattr(func, "__name__", "") in getattr(module, "TRAINING_WIDGETS", ())
    hints = {**SITE_FRAMES.get(getattr(func, "__name__", ""), {}), **dict(frames or {})}
    cap = max_frames or (MAX_TRAINING_FRAMES if training else MAX_FRAMES)
    full = []
    for key, control in items:
        hint = hints.get(key)
        if hint is None:
            full.append(_full_count(control))
        elif isinstance(hint, int):
            full.append(-(-_full_count(control) // max(1, hint)))
        else:
            full.append(len(hint))
    counts = plan_counts(full, cap)
    with _held(control for _, control in items):  # the walk sends each control's state once, at its end
        walk = _walk(items, counts, hints)
    name = name or widget_name(update)
    spec = json.dumps({"controls": [[k, g.keys, g.labels] for (k, _), g in zip(items, walk.grids0, strict=True)],
                       "points": [p[1] for p in walk.points]}, default=str)
    digest = hashlib.sha256("\n".join([_update_identity(update), _package_hash(), spec]).encode()).hexdigest()
    frame_id = f"{name}-{digest[:12]}"
    folder = out_dir / frame_id
    manifest_path = folder / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
    else:
        manifest = _render(update, items, walk, name, frame_id, folder, Redraw)
    first_keys = [g.keys[g.initial] for g in walk.grids0]
    index = next(i for i, f in enumerate(manifest["frames"]) if f["keys"] == first_keys)
    frame = manifest["frames"][index]
    data = base64.b64encode((folder / frame["file"]).read_bytes()).decode("ascii")
    alt = html.escape(frame["alt"], quote=True)
    tag = (f'<img src="data:image/png;base64,{data}" alt="{alt}" class="relubook-widget-figure" '
           f'data-frame="{index}" data-setting="{html.escape(frame["setting"], quote=True)}" '
           f'data-labels="{html.escape(json.dumps(frame["labels"]), quote=True)}"/>')
    return Prepared(frame_id, name, tag, frame["text"], manifest)


#: Frames a widget needs before its drawing may be shared between processes (see :func:`_jobs`).
PARALLEL_FROM = 48
#: Seconds of drawing (estimated from the first frames) that are worth a helper process: starting one
#: (a fresh interpreter importing NumPy and Matplotlib) costs about a second on a loaded 2-core machine.
#: ``RELUBOOK_FRAMES_PARALLEL_SECONDS`` overrides it (0: always share, when the widget allows).
PARALLEL_SECONDS = 4.0
#: The kernel draws frames for at most this long (and at least one) to estimate the rest's cost.
PROBE_SECONDS = 0.5


def _jobs(n_points: int) -> int:
    """Processes that draw a widget's frames: ``RELUBOOK_FRAMES_JOBS``, else one per core (at most 2)."""
    if n_points < PARALLEL_FROM:
        return 1
    value = os.environ.get("RELUBOOK_FRAMES_JOBS", "").strip()
    if value:
        return max(1, int(value))
    return max(1, min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def _parallel_seconds() -> float:
    value = os.environ.get("RELUBOOK_FRAMES_PARALLEL_SECONDS", "").strip()
    return float(value) if value else PARALLEL_SECONDS


class _Drawer:
    """Draws settings one after the other with one :class:`Redraw` (a figure and caches reused)."""

    def __init__(self, update, items, tmp: Path, redraw_cls):
        self.update, self.items, self.tmp, self.redraw_cls = update, items, tmp, redraw_cls
        self.run = redraw_cls(update)

    def warm(self, values: dict) -> None:
        """Draw ``values`` without keeping it: the figure is then as one process leaves it there."""
        try:
            _draw(self.run, values)
        except Exception:  # noqa: BLE001 - that setting's own share reports it
            self.run = self.redraw_cls(self.update)

    def draw(self, points, first: int) -> list[dict]:
        frames = []
        for i, (values, keys, labels) in enumerate(points, start=first):
            setting = _describe(self.items, labels)
            try:
                png, alt, text = _draw(self.run, values)
            except Exception as exc:  # noqa: BLE001 - one broken setting must not lose the others
                print(f"relubook.widgets.frames: {self.update!r} failed at {setting}: {type(exc).__name__}: {exc}",
                      file=sys.stderr)
                png, alt, text = _failure_png(setting, exc), f"the update function failed: {type(exc).__name__}", ""
                self.run = self.redraw_cls(self.update)
            file = f"{i:04d}.png"
            if png is not None:
                (self.tmp / file).write_bytes(png)
            frames.append({"file": file if png is not None else None, "keys": keys, "labels": labels,
                           "setting": setting, "alt": f"{setting}: {alt}" if alt else setting, "text": text})
        return frames

    def close(self) -> None:
        import matplotlib.pyplot as plt

        if self.run._fig is not None:
            plt.close(self.run._fig)


def _draw_slice(update, items, points, first: int, tmp: Path, redraw_cls, previous: dict | None = None) -> list[dict]:
    """Draw ``points`` (numbered from ``first``) into ``tmp``; their manifest entries.

    ``previous`` is the setting drawn just before this share in one process: it is drawn first
    (and not kept), so that the share's first frame reuses a figure as it would in one process.
    """
    drawer = _Drawer(update, items, tmp, redraw_cls)
    if previous is not None:
        drawer.warm(previous)
    try:
        return drawer.draw(points, first)
    finally:
        drawer.close()


@dataclass
class _Label:
    """What :func:`_describe` reads of a control (``description``): a control itself stays in the kernel."""

    description: str


def _helper_draw(rc: dict, update, items, points, first: int, tmp: str, redraw_cls, previous) -> list[dict]:
    """A helper process's share: Matplotlib's Agg backend with the kernel's rcParams, then :func:`_draw_slice`."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update(rc)
    return _draw_slice(update, items, points, first, Path(tmp), redraw_cls, previous=previous)


def _shareable(*objects) -> bool:
    """Whether ``objects`` reach a fresh interpreter by pickling (a function defined in a notebook does not)."""
    import pickle

    try:
        for obj in objects:
            func = obj
            while isinstance(func, functools.partial):
                func = func.func
            if getattr(func, "__module__", None) in (None, "__main__", "builtins"):
                return False
            pickle.dumps(obj)
    except Exception:  # noqa: BLE001 - anything that does not pickle is drawn in this process
        return False
    return True


def _helpers(workers: int):
    """A pool of ``workers`` processes started by the forkserver (never a fork of this process).

    In a Jupyter kernel this process holds ZMQ sockets and threads that are not safe to fork; the
    forkserver is a fresh interpreter (started by fork + exec) that forks the helpers from itself.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["numpy", "matplotlib", "PIL.Image", "relubook.widgets"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def _draw_all(update, items, points, tmp: Path, redraw_cls, jobs: int) -> tuple[list[dict], int]:
    """Every frame of ``points`` and the number of processes that drew them.

    The kernel draws the first frames; when the rest would take more than :data:`PARALLEL_SECONDS`
    and the widget can be pickled, helper processes (:func:`_helpers`) draw the last shares of the
    grid while the kernel draws the one after its first frames. Each share is contiguous, so that
    neighbouring settings reuse one figure and the training caches.
    """
    drawer = _Drawer(update, items, tmp, redraw_cls)
    try:
        frames, start, n = [], time.perf_counter(), len(points)
        while len(frames) < n and (not frames or (jobs > 1 and time.perf_counter() - start < PROBE_SECONDS)):
            frames += drawer.draw(points[len(frames):len(frames) + 1], len(frames))
        done = len(frames)
        rest = n - done
        per_frame = (time.perf_counter() - start) / max(1, done)
        labels = [(name, _Label(control.description or name)) for name, control in items]
        if jobs <= 1 or rest < 2 or rest * per_frame < _parallel_seconds() or not _shareable(update, redraw_cls):
            return frames + drawer.draw(points[done:], done), 1
        jobs = min(jobs, rest)
        bounds = [done + round(k * rest / jobs) for k in range(jobs + 1)]
        import matplotlib

        rc = {k: v for k, v in matplotlib.rcParams.items() if k != "backend"}
        with _helpers(jobs - 1) as pool:
            shares = [(k, pool.submit(_helper_draw, rc, update, labels, points[bounds[k]:bounds[k + 1]], bounds[k],
                                      str(tmp), redraw_cls, points[bounds[k] - 1][0]))
                      for k in range(1, jobs)]
            frames += drawer.draw(points[bounds[0]:bounds[1]], bounds[0])
            for k, share in shares:
                try:
                    frames += share.result()
                except Exception as exc:  # noqa: BLE001 - reported with the share it lost
                    raise RuntimeError(f"drawing frames {bounds[k]}..{bounds[k + 1] - 1} failed in a helper "
                                       f"process: {type(exc).__name__}: {exc}") from exc
        return frames, jobs
    finally:
        drawer.close()


def _failure_png(setting: str, exc: Exception) -> bytes:
    """A frame that says the update function failed at this setting (the live widget would fail too)."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(6, 1.2))
    fig.text(0.02, 0.5, f"{setting}\nthe update function failed: {type(exc).__name__}: {exc}"[:300],
             va="center", fontsize=9, wrap=True)
    png = _png(fig, drawn=False)
    plt.close(fig)
    return png


def _render(update, items, walk: _Walk, name: str, frame_id: str, folder: Path, redraw_cls) -> dict:
    """Draw every frame of the walk into ``folder`` (atomically: a temporary folder renamed).

    The kernel draws the first frames; a widget whose remaining frames would take more than
    :data:`PARALLEL_SECONDS` shares them with helper processes that do not fork the kernel
    (:func:`_draw_all`); update functions are deterministic, so the frames do not depend on the
    process that drew them.
    """
    start = time.perf_counter()
    tmp = folder.with_name(folder.name + f".tmp{os.getpid()}")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    try:
        frames, jobs = _draw_all(update, items, walk.points, tmp, redraw_cls, _jobs(len(walk.points)))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    total = sum((tmp / f["file"]).stat().st_size for f in frames if f["file"])
    manifest = {
        "version": 1, "id": frame_id, "name": name, "update": _qualified(update),
        "controls": [{"key": k, "description": c.description or k, "kind": g.kind,
                      "keys": g.keys, "labels": g.labels,
                      **({"values": [str(v) for v in g.values]} if g.kind == "index" else {})}
                     for (k, c), g in zip(items, walk.grids0, strict=True)],
        "states": {str(j): [{"prefix": list(prefix), "attrs": attrs} for prefix, attrs in by.items()]
                   for j, by in walk.states.items()},
        "frames": frames, "bytes": total, "seconds": round(time.perf_counter() - start, 3), "jobs": jobs,
    }
    text = json.dumps(manifest, default=_json_default, separators=(",", ":"))
    (tmp / "manifest.json").write_text(text)
    # the same as a script, for a site opened from disk (file://), where fetch() reads no file
    (tmp / "manifest.js").write_text(f"(window.relubookFrameManifests = window.relubookFrameManifests || {{}})"
                                     f"[{json.dumps(frame_id)}] = {text};\n")
    if folder.exists():
        shutil.rmtree(folder)
    tmp.rename(folder)
    return manifest


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    return str(value)
