"""A two-input ReLU network as a surface made of flat pieces (chapter 1).

One hidden layer of ReLU units on two inputs, ``y = c + sum_j a_j relu(w_j . x + b_j)``.
Each unit is off on one side of the line ``w_j . x + b_j = 0`` and on along the other,
so the lines cut the plane into convex polygons. On each polygon the set of active
units is fixed, every ReLU is either the identity or zero, and the network is one
plane: ``y = (sum over active j of a_j w_j) . x + (c + sum over active j of a_j b_j)``.
This is the picture of *Understanding Deep Learning*, chapter 3 (Prince, 2023).

Everything here is element-wise NumPy (no matrix products), so the patterns and
outputs are the same bit for bit under every BLAS kernel.

Typical use::

    from relubook import surfaces
    net = surfaces.EXAMPLE_NET
    xs, ys, y = surfaces.output_grid(net)
    fig = surfaces.plot_units_and_sum(net)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from . import plotting
from ._args import check_int

__all__ = [
    "EXAMPLE_NET",
    "REGION_COLORS",
    "TwoInputNet",
    "active_units",
    "output_grid",
    "pattern_label",
    "plot_region_map",
    "plot_surface",
    "plot_units_and_sum",
    "region_planes",
    "region_polygons",
]

#: The 3-D panels' camera (elevation, azimuth) in degrees, chosen so that every facet of the example
#: network (each unit's tilted half and each region of the sum) faces the viewer: at the old (28, -125)
#: two units' planes were seen edge-on, as a line.
_VIEW = (40, 160)

#: Region colours: the Okabe–Ito palette without black (7 colours: 3 lines make at most 7 regions).
REGION_COLORS = [plotting.OKABE_ITO[c] for c in ("sky", "orange", "green", "yellow", "blue", "vermillion",
                                                 "purple")]


@dataclass(frozen=True)
class TwoInputNet:
    """``y = c + sum_j a[j] * relu(W[j, 0] * x1 + W[j, 1] * x2 + b[j])``.

    Attributes
    ----------
    W : ndarray, shape (units, 2)
        Hidden weights, one row per unit.
    b : ndarray, shape (units,)
        Hidden biases.
    a : ndarray, shape (units,)
        Output weights.
    c : float
        Output bias.
    """

    W: np.ndarray
    b: np.ndarray
    a: np.ndarray
    c: float = 0.0

    def __post_init__(self) -> None:
        W = np.asarray(self.W, dtype=np.float64)
        b = np.asarray(self.b, dtype=np.float64)
        a = np.asarray(self.a, dtype=np.float64)
        if W.ndim != 2 or W.shape[1] != 2:
            raise ValueError(f"W must have shape (units, 2), got {W.shape}")
        if b.shape != (W.shape[0],) or a.shape != (W.shape[0],):
            raise ValueError(f"b and a must have shape ({W.shape[0]},), got {b.shape} and {a.shape}")
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b)) and np.all(np.isfinite(a))
                and np.isfinite(float(self.c))):
            raise ValueError("every weight and bias must be finite")
        object.__setattr__(self, "W", W)
        object.__setattr__(self, "b", b)
        object.__setattr__(self, "a", a)
        object.__setattr__(self, "c", float(self.c))

    @property
    def units(self) -> int:
        """Number of hidden units."""
        return self.W.shape[0]

    def pre_activations(self, x1, x2) -> np.ndarray:
        """``z[..., j] = W[j, 0] * x1 + W[j, 1] * x2 + b[j]`` (element-wise, no matrix product)."""
        x1 = np.asarray(x1, dtype=np.float64)[..., None]
        x2 = np.asarray(x2, dtype=np.float64)[..., None]
        return x1 * self.W[:, 0] + x2 * self.W[:, 1] + self.b

    def __call__(self, x1, x2) -> np.ndarray:
        """The network's output at the points ``(x1, x2)`` (any matching shapes)."""
        hidden = np.maximum(0.0, self.pre_activations(x1, x2))
        out = np.full(hidden.shape[:-1], self.c)
        for j in range(self.units):  # a fixed order of additions: no reduction whose order could vary
            out = out + self.a[j] * hidden[..., j]
        return out


#: The chapter's example: three hidden units whose three lines cross inside [-2, 2]², so all
#: seven regions are visible there.
EXAMPLE_NET = TwoInputNet(W=np.array([[1.0, 0.6], [-0.8, 1.0], [0.3, -1.0]]), b=np.array([0.3, -0.2, 0.5]),
                          a=np.array([1.0, -1.2, 0.9]), c=0.2)


def active_units(net: TwoInputNet, x1, x2) -> np.ndarray:
    """Boolean array ``[..., units]``: which units are on (``z > 0``) at each point."""
    return net.pre_activations(x1, x2) > 0


def pattern_label(pattern) -> str:
    """``(True, False, True)`` -> ``"1, 3 on"``; no unit on -> ``"all off"``."""
    on = [str(j + 1) for j, p in enumerate(pattern) if p]
    return (", ".join(on) + " on") if on else "all off"


def region_planes(net: TwoInputNet, x1, x2) -> dict[tuple[bool, ...], tuple[np.ndarray, float]]:
    """The plane the network equals on each region met at the points ``(x1, x2)``.

    Returns
    -------
    dict
        Activation pattern (a tuple of bools, one per unit) -> ``(gradient, offset)``
        with ``y = gradient @ x + offset`` on that region.
    """
    patterns = active_units(net, x1, x2).reshape(-1, net.units)
    planes = {}
    for row in np.unique(patterns, axis=0):
        gradient, offset = np.zeros(2), net.c
        for j in np.flatnonzero(row):  # a fixed order of additions, no BLAS
            gradient = gradient + net.a[j] * net.W[j]
            offset = offset + net.a[j] * net.b[j]
        planes[tuple(bool(v) for v in row)] = (gradient, offset)
    return planes


def output_grid(net: TwoInputNet, lim: float = 2.0, resolution: int = 201):
    """``xs``, ``ys`` (``resolution`` points each on ``[-lim, lim]``) and the output ``y[i, j]`` at ``(xs[j], ys[i])``.

    Raises
    ------
    ValueError
        If ``lim`` is not positive or ``resolution`` is not an integer of at least 2.
    """
    if not np.isfinite(lim) or lim <= 0:
        raise ValueError(f"lim must be a positive number, got {lim!r}")
    check_int(resolution, "resolution", 2)
    xs = np.linspace(-lim, lim, int(resolution))
    xx, yy = np.meshgrid(xs, xs)
    return xs, xs.copy(), net(xx, yy)


def _region_index(net: TwoInputNet, xx, yy) -> tuple[np.ndarray, list[tuple[bool, ...]]]:
    """Each point's region number (patterns sorted, all-off first) and the sorted patterns."""
    patterns = active_units(net, xx, yy)
    weights = 2 ** np.arange(net.units)
    code = (patterns * weights).sum(axis=-1)
    codes = sorted({int(v) for v in np.unique(code)})
    index = np.searchsorted(np.array(codes), code)
    as_patterns = [tuple(bool(v >> j & 1) for j in range(net.units)) for v in codes]
    return index, as_patterns


def plot_region_map(ax, net: TwoInputNet, lim: float = 2.0, resolution: int = 401) -> int:
    """Top view: regions in the book's palette, each labelled with its active units; the units' lines in black.

    Thin grey contours of the output show that it is planar on each region (straight,
    parallel contours) and bends at the lines. Returns the number of regions drawn.
    """
    xs = np.linspace(-lim, lim, resolution)
    xx, yy = np.meshgrid(xs, xs)
    index, patterns = _region_index(net, xx, yy)
    rgb = np.array([[int(col[k:k + 2], 16) / 255 for k in (1, 3, 5)]
                    for col in (REGION_COLORS[i % len(REGION_COLORS)] for i in range(len(patterns)))])
    ax.imshow(rgb[index], origin="lower", extent=(-lim, lim, -lim, lim), alpha=0.7, interpolation="nearest")
    ax.contour(xx, yy, net(xx, yy), levels=12, colors="0.25", linewidths=0.6, negative_linestyles="solid")
    for j in range(net.units):  # the line W[j] . x + b[j] = 0, where unit j switches
        w1, w2 = net.W[j]
        if abs(w2) >= abs(w1):
            px = np.array([-lim, lim])
            py = -(w1 * px + net.b[j]) / w2
        else:
            py = np.array([-lim, lim])
            px = -(w2 * py + net.b[j]) / w1
        ax.plot(px, py, color="black", linewidth=1.6)
    for k, pattern in enumerate(patterns):
        inside = index == k
        cx, cy = xx[inside].mean(), yy[inside].mean()
        ax.text(cx, cy, pattern_label(pattern), ha="center", va="center", fontsize=8,
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.grid(False)
    plotting.label_axes(ax, "$x_1$", "$x_2$")
    return len(patterns)


def plot_surface(ax3d, net: TwoInputNet, lim: float = 2.0) -> None:
    """The output ``y(x1, x2)`` as a 3-D surface: one exact flat facet per region, in the region map's colours."""
    regions = region_polygons(net, lim)
    colors = [REGION_COLORS[k % len(REGION_COLORS)] for k in range(len(regions))]
    _draw_facets(ax3d, [(v, net(v[:, 0], v[:, 1]), c) for (_, v), c in zip(regions, colors, strict=True)], lim)
    ax3d.set_xlabel("$x_1$")
    ax3d.set_ylabel("$x_2$")
    ax3d.set_zlabel("$y$")
    ax3d.view_init(*_VIEW)


def plot_units_and_sum(net: TwoInputNet = EXAMPLE_NET, lim: float = 2.0) -> Figure:
    """One 3-D panel per weighted unit ``a_j relu(w_j . x + b_j)`` (a plane folded along its line), then their sum.

    In a unit's panel the half-plane where it is off (flat at 0) is grey and the half
    where it is on is blue, both drawn as exact polygons, so the fold is a straight
    edge; the last panel is the network's output, one facet per region.
    """
    import matplotlib.pyplot as plt

    if not np.isfinite(lim) or lim <= 0:
        raise ValueError(f"lim must be a positive number, got {lim!r}")
    square = np.array([[-lim, -lim], [lim, -lim], [lim, lim], [-lim, lim]], dtype=float)
    fig = plt.figure(figsize=(2.6 * (net.units + 1), 2.9))
    for j in range(net.units):
        ax3d = fig.add_subplot(1, net.units + 1, j + 1, projection="3d")
        facets = []
        for side, color in ((1.0, plotting.RELU_COLOR), (-1.0, "0.75")):
            half = _clip(square, net.W[j], float(net.b[j]), side)
            if len(half) >= 3:
                z = net.W[j, 0] * half[:, 0] + net.W[j, 1] * half[:, 1] + net.b[j]
                facets.append((half, net.a[j] * np.maximum(0.0, z), color))
        _draw_facets(ax3d, facets, lim)
        ax3d.set_title(f"unit {j + 1}: {net.a[j]:g} · relu($z_{j + 1}$)", fontsize=9)
        _style_3d(ax3d)
    ax3d = fig.add_subplot(1, net.units + 1, net.units + 1, projection="3d")
    plot_surface(ax3d, net, lim)
    ax3d.set_title(f"sum + {net.c:g} = network output", fontsize=9)
    _style_3d(ax3d)
    return fig


def _style_3d(ax3d) -> None:
    from matplotlib.ticker import MaxNLocator

    for axis in (ax3d.xaxis, ax3d.yaxis, ax3d.zaxis):
        axis.set_major_locator(MaxNLocator(5, steps=[1, 2, 5, 10]))
    ax3d.set_xlabel("$x_1$", labelpad=-8)
    ax3d.set_ylabel("$x_2$", labelpad=-8)
    ax3d.set_zlabel("")
    ax3d.tick_params(labelsize=7, pad=-3)
    ax3d.view_init(*_VIEW)


def _clip(polygon: np.ndarray, w: np.ndarray, b: float, side: float) -> np.ndarray:
    """The part of a convex ``polygon`` (rows of vertices) where ``side * (w . p + b) >= 0`` (Sutherland–Hodgman)."""
    out = []
    for k in range(len(polygon)):
        p, q = polygon[k], polygon[(k + 1) % len(polygon)]
        fp, fq = side * (w[0] * p[0] + w[1] * p[1] + b), side * (w[0] * q[0] + w[1] * q[1] + b)
        if fp >= 0:
            out.append(p)
        if fp * fq < 0:
            out.append(p + (q - p) * fp / (fp - fq))
    return np.array(out).reshape(-1, 2)


def _area(polygon: np.ndarray) -> float:
    x, y = polygon[:, 0], polygon[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def region_polygons(net: TwoInputNet, lim: float = 2.0) -> list[tuple[tuple[bool, ...], np.ndarray]]:
    """The linear regions inside the square ``[-lim, lim]^2`` as exact convex polygons.

    Each region is the square cut by one half-plane per unit (on or off), so its corners
    are computed exactly, not sampled on a grid. Returns ``(pattern, vertices)`` pairs,
    patterns in the order of :func:`_region_index` (all-off first), empty regions dropped.
    """
    if not np.isfinite(lim) or lim <= 0:
        raise ValueError(f"lim must be a positive number, got {lim!r}")
    square = np.array([[-lim, -lim], [lim, -lim], [lim, lim], [-lim, lim]], dtype=float)
    found = []
    for code in range(2 ** net.units):
        pattern = tuple(bool(code >> j & 1) for j in range(net.units))
        polygon = square
        for j, on in enumerate(pattern):
            polygon = _clip(polygon, net.W[j], float(net.b[j]), 1.0 if on else -1.0)
            if len(polygon) < 3:
                break
        if len(polygon) >= 3 and _area(polygon) > 1e-12 * lim * lim:
            found.append((pattern, polygon))
    return found


def _draw_facets(ax3d, facets, lim: float) -> None:
    """Draw ``(vertices_2d, heights, colour)`` facets as exact flat polygons and fit the axes to them."""
    from mpl_toolkits.mplot3d.art3d import Poly3DCollection

    verts = [np.column_stack([v, h]) for v, h, _ in facets]
    ax3d.add_collection3d(Poly3DCollection(verts, facecolors=[c for _, _, c in facets], edgecolors="0.2",
                                           linewidths=0.6, shade=True))
    heights = np.concatenate([h for _, h, _ in facets])
    low, high = float(heights.min()), float(heights.max())
    pad = 0.05 * max(high - low, 1e-9)
    ax3d.set_xlim(-lim, lim)
    ax3d.set_ylim(-lim, lim)
    ax3d.set_zlim(low - pad, high + pad)
