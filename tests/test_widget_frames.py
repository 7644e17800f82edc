"""The frame store (relubook/widgets/frames.py): grids, snapping, manifests, the cache (issue 16)."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import ipywidgets as widgets
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from relubook import widgets as rw  # noqa: E402
from relubook.widgets import frames  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def toy_update(a: float, kind: str = "line", *, ax=None):
    """A pure update function: draws a line of slope ``a``; its title names the setting."""
    if ax is None:
        fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, 1], [0, a], linestyle="-" if kind == "line" else ":")
    ax.set_title(f"a = {a:.2f}, {kind}")
    return ax.figure


def toy_controls():
    return {"a": widgets.FloatSlider(value=1.0, min=-3, max=3, step=0.1, description="a"),
            "kind": widgets.Dropdown(options=["line", "dots"], value="line", description="kind")}


def test_readout_matches_ipywidgets_d3_formats():
    assert frames.readout(0.3, ".3g") == "0.300"
    assert frames.readout(1.0, ".3g") == "1.00"
    assert frames.readout(20.0, ".3g") == "20.0"
    assert frames.readout(-1.0, ".2f") == "\u22121.00"  # d3's minus sign
    assert frames.readout(4, "d") == "4"
    assert frames.readout(0.0, ".2f") == "0.00"
    with pytest.raises(TypeError):
        frames.readout(1.0, 2)


def test_slider_grid_is_round_and_passes_the_start_and_the_ends():
    g = frames.control_grid(widgets.FloatSlider(value=1.0, min=-3, max=3, step=0.1), target=16)
    assert g.attrs["step"] == 0.5 and g.keys[0] == -3.0 and g.keys[-1] == 3.0
    assert -2.0 in g.keys and g.keys[g.initial] == 1.0
    assert g.labels[g.keys.index(-2.0)] == "\u22122.00"
    depth = frames.control_grid(widgets.IntSlider(value=10, min=2, max=50), target=7)
    assert depth.keys[0] == 2 and depth.keys[-1] == 50 and 10 in depth.keys and len(depth.keys) <= 7
    assert all(isinstance(k, int) for k in depth.keys)


def test_log_slider_snaps_an_off_step_start_and_keeps_the_hinted_stride():
    lr = widgets.FloatLogSlider(value=0.3, base=10, min=-1, max=1.3, step=0.05)
    g = frames.control_grid(lr, hint=2)
    assert math.isclose(g.attrs["step"], 0.1)
    assert any(math.isclose(k, 10 ** 0.3) for k in g.keys)  # the smallest killing rate stays reachable
    assert math.isclose(g.keys[g.initial], 10 ** -0.5)  # 0.3 is no step of the slider: nearest step
    assert g.labels[g.initial] == "0.316"


def test_dropdown_keeps_every_option_or_the_hinted_ones():
    d = widgets.Dropdown(options=["relu", "elu", "tanh", "gelu"], value="elu")
    g = frames.control_grid(d)
    assert g.kind == "index" and g.keys == [0, 1, 2, 3] and g.initial == 1 and not g.attrs
    sub = frames.control_grid(d, hint=["relu", "tanh"])
    assert sub.values == ["relu", "elu", "tanh"] and sub.attrs["options"][1] == ("elu", "elu")


def test_equally_spaced_hints_only():
    s = widgets.IntSlider(value=8, min=1, max=32)
    assert frames.control_grid(s, hint=[8, 32]).keys == [8, 32]
    with pytest.raises(ValueError, match="equally spaced"):
        frames.control_grid(s, hint=[1, 8, 32])


def test_plan_counts_caps_the_product_evenly():
    assert frames.plan_counts([61, 61], 400) == [16, 16]
    counts = frames.plan_counts([4, 49, 16], 400)
    assert math.prod(counts) <= 400 and counts[0] == 4
    assert frames.plan_counts([3, 3], 1) == [2, 2]  # never below two values
    with pytest.raises(ValueError):
        frames.plan_counts([3], 0)


def test_widget_name_strips_update_and_sees_through_partial():
    from functools import partial

    assert frames.widget_name(toy_update) == "toy_update"
    assert frames.widget_name(partial(rw.live, 1)) == "live"

    def update_neuron(w, b):
        return None

    assert frames.widget_name(partial(update_neuron, b=1)) == "neuron"


def test_no_frames_without_the_build_variable(monkeypatch):
    monkeypatch.delenv(frames.FRAMES_ENV, raising=False)
    controls = toy_controls()
    box = rw.live(toy_update, controls)
    assert box.frames is None
    assert "relubook-frames" not in box._dom_classes
    assert controls["a"].step == 0.1  # a kernel's controls keep every value
    assert box.controls and box.output is not None and callable(box.redraw)


def test_live_precomputes_frames_for_the_site(monkeypatch, tmp_path):
    monkeypatch.setenv(frames.FRAMES_ENV, str(tmp_path))
    controls = toy_controls()
    box = rw.live(toy_update, controls, max_frames=30)
    prepared = box.frames
    assert prepared is not None
    folder = tmp_path / prepared.frame_id
    manifest = json.loads((folder / "manifest.json").read_text())
    assert len(manifest["frames"]) == math.prod(len(c["keys"]) for c in manifest["controls"]) <= 30
    assert controls["a"].step == manifest["controls"][0]["keys"][1] - manifest["controls"][0]["keys"][0]
    for frame in manifest["frames"]:
        assert (folder / frame["file"]).stat().st_size > 100
        assert frame["alt"].startswith(frame["setting"]) and "a = " in frame["setting"]
    assert {"relubook-frames", f"relubook-frames-id-{prepared.frame_id}",
            "relubook-frames-name-toy_update"} <= set(box._dom_classes)
    assert controls["a"].value == 1.0 and controls["kind"].value == "line"  # back at the start
    assert 'data-setting="a = 1.00, kind = line"' in prepared.html
    script = (folder / "manifest.js").read_text()
    assert script.startswith("(window.relubookFrameManifests") and json.dumps(prepared.frame_id) in script
    assert callable(box.redraw) and box.controls == controls


def test_the_walk_sends_each_control_once_with_its_start(monkeypatch, tmp_path):
    """The walk over the grid must not flood the IOPub channel (ZMQ drops messages past 1000).

    Before the fix the gradient-flow walk sent about 1200 updates; on a loaded build some were
    lost and the stored widget state kept a setting of the walk, so the page's dropdown read
    leaky_relu over a sigmoid picture. Now each control sends one update, carrying its start.
    """
    monkeypatch.setenv(frames.FRAMES_ENV, str(tmp_path))
    controls = toy_controls()
    sent: list[tuple[str, dict]] = []
    original = widgets.Widget._send

    def record(self, msg, buffers=None):
        if msg.get("method") == "update":
            sent.append((self.model_id, dict(msg["state"])))
        return original(self, msg, buffers)

    monkeypatch.setattr(widgets.Widget, "_send", record)
    frames.prepare(toy_update, controls, max_frames=30)
    for name, control in controls.items():
        mine = [state for model_id, state in sent if model_id == control.model_id]
        assert len(mine) <= 1, f"{name}: {len(mine)} updates sent during the walk"
        last = {k: v for state in mine for k, v in state.items()}
        for key in ("value", "index"):
            if key in last:
                assert last[key] == control.get_state(key)[key], (name, key, last[key])
    assert controls["a"].value == 1.0 and controls["kind"].index == 0


def test_frames_are_cached_by_widget(monkeypatch, tmp_path):
    monkeypatch.setenv(frames.FRAMES_ENV, str(tmp_path))
    first = rw.live(toy_update, toy_controls(), max_frames=8).frames

    def no_render(*args, **kwargs):
        raise AssertionError("drawn again")

    monkeypatch.setattr(frames, "_render", no_render)
    again = rw.live(toy_update, toy_controls(), max_frames=8).frames
    assert again.frame_id == first.frame_id
    other = toy_controls()
    other["a"].value = 2.0
    with pytest.raises(AssertionError, match="drawn again"):  # another grid: another id
        rw.live(toy_update, other, max_frames=8)


def test_a_range_that_follows_another_control_is_recorded(monkeypatch, tmp_path):
    """The variant explorer's slider takes the chosen activation's range: the page must follow."""
    monkeypatch.setenv(frames.FRAMES_ENV, str(tmp_path))
    kind = widgets.Dropdown(options=["line", "dots"], value="line", description="kind")
    a = widgets.FloatSlider(value=1.0, min=0.0, max=2.0, step=0.01, description="a")

    def follow(change=None):
        a.min, a.max = (0.0, 2.0) if kind.value == "line" else (-1.0, 0.0)
        a.value = 1.0 if kind.value == "line" else -0.5

    kind.observe(follow, names="value")
    box = rw.live(toy_update, {"kind": kind, "a": a}, max_frames=20)
    manifest = box.frames.manifest
    states = manifest["states"]["1"]
    assert len(states) == 2 and states[0]["attrs"]["max"] == 2.0 and states[1]["attrs"]["min"] == -1.0
    dots = [f["keys"][1] for f in manifest["frames"] if f["keys"][0] == 1]
    line = [f["keys"][1] for f in manifest["frames"] if f["keys"][0] == 0]
    assert min(dots) == -1.0 and max(dots) == 0.0 and -0.5 in dots
    assert min(line) == 0.0 and max(line) == 2.0 and 1.0 in line
    assert kind.value == "line" and a.value == 1.0 and a.max == 2.0


def test_sphinx_extension_finds_frame_ids(tmp_path):
    spec = importlib.util.spec_from_file_location("sphinx_offline", ROOT / "tools" / "sphinx_offline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "a.html").write_text(
        '<script>{"_dom_classes": ["relubook-widget", "relubook-frames", "relubook-frames-id-neuron-0123abcd",'
        ' "relubook-frames-name-neuron"]}</script>')
    (tmp_path / "b.html").write_text("<p>no widget</p>")
    assert module.frame_ids(tmp_path) == {"neuron-0123abcd"}
    assert module.CHECKER_CALL.search("checks.neuron_target(w, b)")
    assert not module.CHECKER_CALL.search("from relubook import checks")


def test_two_processes_draw_the_same_frames_as_one(monkeypatch, tmp_path):
    monkeypatch.setenv(frames.FRAMES_ENV, str(tmp_path / "one"))
    monkeypatch.setenv("RELUBOOK_FRAMES_JOBS", "1")
    one = rw.live(toy_update, toy_controls(), max_frames=130).frames
    monkeypatch.setenv(frames.FRAMES_ENV, str(tmp_path / "two"))
    monkeypatch.setenv("RELUBOOK_FRAMES_JOBS", "2")
    monkeypatch.setenv("RELUBOOK_FRAMES_PARALLEL_SECONDS", "0")  # share even this cheap widget

    def no_fork():  # a Jupyter kernel holds ZMQ sockets and threads: it must never be forked (issue 24)
        raise AssertionError("the drawing process was forked")

    monkeypatch.setattr(frames.os, "fork", no_fork)
    two = rw.live(toy_update, toy_controls(), max_frames=130).frames
    assert len(one.manifest["frames"]) >= frames.PARALLEL_FROM
    assert one.manifest["jobs"] == 1 and two.manifest["jobs"] == 2
    assert [f["setting"] for f in one.manifest["frames"]] == [f["setting"] for f in two.manifest["frames"]]
    assert [f["file"] for f in one.manifest["frames"]] == [f["file"] for f in two.manifest["frames"]]
    for f in one.manifest["frames"]:
        assert (tmp_path / "one" / one.frame_id / f["file"]).read_bytes() == \
            (tmp_path / "two" / two.frame_id / f["file"]).read_bytes(), f["setting"]


def test_a_cheap_widget_is_drawn_in_one_process(monkeypatch, tmp_path):
    """Starting a helper costs about a second: a widget whose frames take less is not shared."""
    monkeypatch.setenv(frames.FRAMES_ENV, str(tmp_path))
    monkeypatch.setenv("RELUBOOK_FRAMES_JOBS", "2")
    monkeypatch.setenv("RELUBOOK_FRAMES_PARALLEL_SECONDS", "1000")
    manifest = rw.live(toy_update, toy_controls(), max_frames=130).frames.manifest
    assert len(manifest["frames"]) >= frames.PARALLEL_FROM and manifest["jobs"] == 1


def test_an_update_defined_in_a_notebook_is_drawn_in_one_process(monkeypatch, tmp_path):
    """A function of the kernel's ``__main__`` does not exist in a fresh interpreter: no helper for it."""
    monkeypatch.setenv(frames.FRAMES_ENV, str(tmp_path))
    monkeypatch.setenv("RELUBOOK_FRAMES_JOBS", "2")
    monkeypatch.setenv("RELUBOOK_FRAMES_PARALLEL_SECONDS", "0")

    def notebook_update(a: float, kind: str = "line", *, ax=None):
        return toy_update(a, kind, ax=ax)

    notebook_update.__module__ = "__main__"
    assert not frames._shareable(notebook_update, rw.Redraw)
    assert frames._shareable(toy_update, rw.Redraw)
    manifest = rw.live(notebook_update, toy_controls(), max_frames=130).frames.manifest
    assert len(manifest["frames"]) >= frames.PARALLEL_FROM and manifest["jobs"] == 1


def test_a_setting_that_fails_gets_a_frame_saying_so(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv(frames.FRAMES_ENV, str(tmp_path))

    def fragile_update(a: float, *, ax=None):
        if a == 0:
            raise OverflowError("boom")
        return toy_update(a, ax=ax)

    controls = {"a": widgets.FloatSlider(value=1.0, min=-1, max=1, step=0.5, description="a")}
    manifest = rw.live(fragile_update, controls).frames.manifest
    failed = [f for f in manifest["frames"] if "failed" in f["alt"]]
    assert [f["keys"] for f in failed] == [[0.0]]
    assert "a = 0.00" in capsys.readouterr().err
    assert len(manifest["frames"]) == 5


def test_independent_controls_record_no_states(monkeypatch, tmp_path):
    """Only a range that follows another control is recorded (else the page would reset controls)."""
    monkeypatch.setenv(frames.FRAMES_ENV, str(tmp_path))
    controls = {"a": widgets.FloatSlider(value=1.0, min=-1, max=1, step=0.5, description="a"),
                "kind": widgets.Dropdown(options=["line", "dots", "x"], value="line", description="kind")}
    assert rw.live(toy_update, controls).frames.manifest["states"] == {}
