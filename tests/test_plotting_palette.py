"""The book's activation palette: functions drawn side by side get distinct colours."""

from relubook import plotting


def test_relu_keeps_its_blue():
    assert plotting.color_for("relu") == plotting.OKABE_ITO["blue"]


def test_smooth_trio_has_three_distinct_colours():
    # chapter 3 draws GELU, SiLU and Mish on one axes (and SiLU / Mish in neighbouring panels)
    colours = {plotting.color_for(n) for n in ("gelu", "silu", "mish")}
    assert len(colours) == 3
    assert plotting.color_for("relu") not in colours


def test_every_activation_colour_is_okabe_ito():
    palette = set(plotting.OKABE_ITO.values())
    for name in plotting._ACTIVATION_STYLE:
        assert plotting.color_for(name) in palette
