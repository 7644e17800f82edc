"""The site's figures are stored as palette PNGs (tools/sphinx_offline.py, issue 29's page weight)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from relubook import plotting  # noqa: E402

PALETTE = list(plotting.OKABE_ITO.values())
ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("sphinx_offline", ROOT / "tools" / "sphinx_offline.py")
offline = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(offline)


def _book_figure(path: Path) -> None:
    """A figure like the chapters': the book's style, lines, shaded regions, markers, text."""
    plotting.use_style()
    fig, ax = plt.subplots(figsize=(6, 4))
    x = np.linspace(-3, 3, 400)
    for k, colour in enumerate(PALETTE[:4]):
        ax.plot(x, np.maximum(0, x - k / 2), color=colour, label=f"shift {k / 2}")
    ax.fill_between(x, 0, np.tanh(x), alpha=0.3, color=PALETTE[4])
    ax.scatter(np.sin(np.arange(50)), np.cos(np.arange(50) * 1.3), marker="^", color=PALETTE[5])
    ax.set_xlabel("$x$")
    ax.legend()
    fig.savefig(path, format="png")
    plt.close(fig)


def test_palette_png_shrinks_a_figure_and_keeps_its_pixels(tmp_path):
    png = tmp_path / "figure.png"
    _book_figure(png)
    before_bytes = png.stat().st_size
    with Image.open(png) as image:
        before = np.asarray(image.convert("RGBA")).astype(int)
    assert offline.palette_png(png) is True
    with Image.open(png) as image:
        assert image.mode == "P"
        after = np.asarray(image.convert("RGBA")).astype(int)
    assert after.shape == before.shape
    assert png.stat().st_size < 0.6 * before_bytes, (before_bytes, png.stat().st_size)
    error = np.abs(after - before).max(axis=-1)
    assert np.mean(error) < 2 and np.percentile(error, 99.9) < 40, (np.mean(error), error.max())
    # each colour of the palette the figure draws with survives (within a few levels)
    colours = {tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in PALETTE[:4]}
    pixels = after[..., :3].reshape(-1, 3)
    for colour in colours:
        assert np.abs(pixels - np.array(colour)).max(axis=1).min() <= 4, colour


def test_palette_png_leaves_a_palette_image_and_a_larger_result_alone(tmp_path):
    png = tmp_path / "figure.png"
    _book_figure(png)
    offline.palette_png(png)
    data = png.read_bytes()
    assert offline.palette_png(png) is False and png.read_bytes() == data
    noise = tmp_path / "noise.png"  # a tiny image with few colours: already as small as a palette gets
    Image.fromarray(np.zeros((4, 4, 3), dtype=np.uint8)).save(noise, optimize=True)
    data = noise.read_bytes()
    offline.palette_png(noise)
    assert noise.stat().st_size <= len(data)
