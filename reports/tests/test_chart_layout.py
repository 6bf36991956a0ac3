"""The report charts' geometry (reports/charts.py), without a browser: for twelve months
and for long names, on a phone's width and on the PDF's, no two labels overlap and every
label lies inside the chart's frame (the SVG viewBox, the PDF drawing)."""

import pytest
from django.utils import translation

from reports import charts

MONTHS = [f"2025-{m:02d}" for m in range(7, 13)] + [f"2026-{m:02d}" for m in range(1, 7)]
LONG = [
    "Program Keluarga Harapan: bantuan sosial bersyarat bagi keluarga penerima manfaat",
    "KIP/PIP (Kartu Indonesia Pintar)",
    "Penyandang disabilitas berat",
    "Pemeriksaan kesehatan ibu hamil dan nifas di fasilitas kesehatan terdekat",
    "Supercalifragilisticexpialidocious-nama-tanpa-spasi-yang-sangat-panjang-sekali",
    "Lanjut usia",
]
WIDTHS = [(320, 12), (240, 12), (510, 8)]  # the page (and a narrower phone), the PDF


def _assert_fits(chart: charts.Chart) -> None:
    boxes = chart.label_boxes()
    assert boxes
    for text, box in zip(chart.texts, boxes, strict=True):
        assert box.inside(chart.width, chart.height), (text.text, box, chart.width, chart.height)
    for i, a in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            assert not a.overlaps(boxes[j]), (chart.texts[i].text, chart.texts[j].text)
    for rect in chart.rects:
        assert charts.Box(rect.x, rect.y, rect.w, rect.h).inside(chart.width, chart.height)
    for dot in chart.dots:
        assert dot.x - dot.r >= 0 and dot.x + dot.r <= chart.width
        assert dot.y - dot.r >= 0 and dot.y + dot.r <= chart.height


def _trend(values):
    return {
        "labels": MONTHS[: len(values)],
        "months": MONTHS[: len(values)],
        "series": [{"label": "Kehadiran P2K2 (%)", "data": values}],
        "percent": True,
    }


@pytest.mark.parametrize(("width", "size"), WIDTHS)
@pytest.mark.parametrize(
    "values",
    [
        [100.0, 0.0, 99.9, 33.3, None, 66.7, 100.0, 12.5, 87.5, None, 100.0, 0.0],
        [55.5] * 12,
        [None, None, None, 40.0, 45.5, 50.0],
        [77.7],
    ],
)
def test_trend_labels_fit_and_do_not_overlap(width, size, values):
    _assert_fits(charts.line(_trend(values), width=width, size=size))


def test_twelve_months_on_a_phone_show_every_other_month_and_the_last():
    with translation.override("id"):
        chart = charts.line(_trend([50.0] * 12), width=320)
    labels = [t.text for t in chart.texts]
    assert labels[-8:] == ["Agu", "2025", "Okt", "Des", "Feb", "2026", "Apr", "Jun"]
    # On the PDF's width all twelve fit side by side.
    with translation.override("id"):
        wide = charts.line(_trend([50.0] * 12), width=510, size=8)
    assert {"Jul", "Agu", "Mei", "Jun"} <= {t.text for t in wide.texts}


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("id", ["Jul", "Agu", "Okt", "Des", "Jan", "Mei"]),
        ("en", ["Jul", "Aug", "Oct", "Dec", "Jan", "May"]),
    ],
)
def test_month_names_follow_the_language(language, names):
    with translation.override(language):
        labels = [m for m, _year in charts.month_labels(MONTHS)]
    assert [labels[i] for i in (0, 1, 3, 5, 6, 10)] == names


@pytest.mark.parametrize(("width", "size"), WIDTHS)
@pytest.mark.parametrize("percent", [True, False])
def test_bars_with_long_names_fit_and_do_not_overlap(width, size, percent):
    spec = {
        "labels": LONG * 2,
        "series": [
            {
                "label": "Awal triwulan yang sangat panjang sekali namanya",
                "data": [100.0, 0.0, None, 12.3, 99.9, 50.0] * 2,
            },
            {"label": "Akhir triwulan", "data": [1234.5, 100.0, 7, None, 0, 88.8] * 2},
        ],
        "percent": percent,
    }
    chart = charts.hbar(spec, width=width, size=size)
    _assert_fits(chart)
    # Every value is shown, each just past its own bar.
    assert sum(t.fill == charts.MUTED for t in chart.texts) == 2 * len(spec["labels"])


def test_a_name_too_long_for_the_width_is_cut_never_broken_mid_word():
    lines = charts.wrap(LONG[4] + " dan seterusnya", 200, 12, charts.helvetica)
    assert lines[0].endswith("…") and lines[1:] == ["dan seterusnya"]


def test_svg_is_escaped_and_attribute_only():
    spec = {"labels": ['<script>alert("x")</script>'], "series": [{"label": "a&b", "data": [3]}]}
    markup = str(charts.svg(charts.hbar(spec), label='"kutip"', key="visits"))
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert " style=" not in markup and " on" not in markup.replace(" one", "")
    assert markup.startswith('<svg class="report-chart" data-chart="visits" viewBox="0 0 320 ')


def test_the_pdf_drawing_is_the_same_layout_turned_upwards():
    chart = charts.hbar({"labels": ["Verifikasi"], "series": [{"label": "x", "data": [4]}]})
    drawing = charts.drawing(chart)
    assert (drawing.width, drawing.height) == (chart.width, chart.height)
    strings = [c for c in drawing.contents if c.__class__.__name__ == "String"]
    assert [s.text for s in strings] == [t.text for t in chart.texts]
    assert [s.y for s in strings] == [chart.height - t.y for t in chart.texts]
