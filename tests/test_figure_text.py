"""User text in figures is drawn as written: a '$' is not the start of mathematics (wording.literal_text)."""

from __future__ import annotations

import io

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from brinkmanship.wording import literal_text

NAME = r"sanctions of $\nosuch 2$ billion"  # a user's event or lever name with two '$'


def _figure() -> Figure:
    figure = Figure()
    FigureCanvasAgg(figure)
    axis = figure.subplots()
    axis.set_title(NAME)
    axis.annotate(NAME, (0.5, 0.5))
    axis.plot([0, 1], [0, 1], label=NAME)
    axis.legend()
    return figure


def test_without_it_matplotlib_reads_dollars_as_mathematics():
    with pytest.raises(ValueError):
        _figure().savefig(io.BytesIO(), format="png")


def test_every_text_of_a_figure_is_drawn_as_written():
    figure = literal_text(_figure())
    figure.savefig(io.BytesIO(), format="png")
    texts = [t for t in figure.findobj(lambda a: hasattr(a, "get_parse_math")) if t.get_text() == NAME]
    assert len(texts) == 3 and not any(t.get_parse_math() for t in texts)
