"""relubook.prose: the formatted numbers the chapters' {eval} roles read."""

import numpy as np
import pytest
from IPython.core.formatters import PlainTextFormatter

from relubook.prose import Shown, count_of, percent, shown, spread


def test_shown_has_no_quotes_in_plain_text():
    text = PlainTextFormatter()(shown(0.93456, ".3f"))
    assert text == "0.935"


def test_shown_formats_numpy_scalars_like_python_numbers():
    assert shown(np.float32(0.25), ".2f") == "0.25"
    assert shown(np.int64(7)) == "7"


def test_shown_rejects_bad_format():
    with pytest.raises(TypeError, match="fmt"):
        shown(1.0, 3)
    with pytest.raises(ValueError, match="fmt"):
        shown("abc", ".3f")


def test_percent_and_count_of():
    assert percent(0.625, 1) == "62.5\u202f%"
    assert count_of(13, 16, "units") == "13 of 16 units"
    with pytest.raises(ValueError, match="count"):
        count_of(17, 16)
    with pytest.raises(TypeError, match="fraction"):
        percent("0.5")


def test_spread_gives_median_range_and_seed_count():
    s = spread([0.9, 0.7, 0.8], ".2f")
    assert isinstance(s, Shown)
    assert s == "0.80 (0.70\u20130.90 over 3 seeds)"
    with pytest.raises(ValueError, match="at least one"):
        spread([])
    with pytest.raises(ValueError, match="NaN"):
        spread([0.1, float("nan")])
