"""Chart builders (`pcp_data.charts`), checked on the Vega-Lite spec they produce: financial
years labelled ``2013/14``, no empty baseline band, a far target that does not squash the
series, legends that are never cut short, and an accessible name on every chart."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

from pcp_data import charts


def _spec(chart: Any) -> dict[str, Any]:
    return json.loads(chart.to_json())  # type: ignore[no-any-return]


def _layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return list(spec.get("layer", []))


def _datasets(spec: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return dict(spec.get("datasets", {}))


def _y_fields(spec: dict[str, Any]) -> list[str]:
    """Fields encoded on the quantitative y scale, in any layer."""
    out = []
    for layer in _layers(spec):
        y = layer.get("encoding", {}).get("y", {})
        if isinstance(y, dict) and "field" in y:
            out.append(y["field"])
    return out


def _officers(n: int = 12) -> pd.DataFrame:
    """Officers at 31 March, 2015 to 2026, near 1,100-1,160 FTE, with XmR columns."""
    dates = pd.date_range("2015-03-31", periods=n, freq="12ME")
    values = [1100 + 5 * (i % 7) + 2 * i for i in range(n)]
    return pd.DataFrame(
        {
            "date": dates,
            "value": values,
            "centre": 1130.0,
            "lower": 1090.0,
            "upper": 1170.0,
            "signal": [None] * (n - 1) + ["improvement"],
        }
    )


FY_EXPR_CASES = [
    # (period end, label the axis must show) - the axis expression is evaluated in Python below
    ("2014-03-31", "2013/14"),
    ("2015-03-31", "2014/15"),
    ("2019-04-30", "2019/20"),
    ("2000-03-31", "1999/00"),
]


def _fy_from_expr(date: str) -> str:
    """`charts.FY_LABEL_EXPR` evaluated the way Vega does (month 0-based, string slice)."""
    ts = pd.Timestamp(date)
    month0, year = ts.month - 1, ts.year
    start = year if month0 >= 3 else year - 1
    return f"{start}/" + str(start + 1)[2:]


@pytest.mark.parametrize(("end", "label"), FY_EXPR_CASES)
def test_financial_year_expression_names_the_year_a_period_ends_in(end: str, label: str) -> None:
    # the expression's parts as written in the spec, so a change to one breaks this test
    assert "month(datum.value) >= 3" in charts.FY_LABEL_EXPR
    assert "slice(" in charts.FY_LABEL_EXPR and ", 2)" in charts.FY_LABEL_EXPR
    assert _fy_from_expr(end) == label
    assert charts.period_words(pd.Timestamp(end), "financial_year") == label


@pytest.mark.parametrize(
    ("kwargs", "expect_fy"),
    [
        ({"frequency": "financial_year"}, True),
        ({"x_title": "Financial year ending"}, True),  # inferred from the vocabulary's title
        ({"frequency": "month"}, False),
        ({"x_title": "As at"}, False),
        ({}, False),
    ],
)
def test_financial_years_are_labelled_as_years_not_january(
    kwargs: dict[str, str], expect_fy: bool
) -> None:
    spec = _spec(charts.spc_chart(_officers(), y_title="FTE", **kwargs))
    axes = [
        layer["encoding"]["x"]["axis"]
        for layer in _layers(spec)
        if "axis" in layer.get("encoding", {}).get("x", {})
    ]
    assert axes
    for axis in axes:
        if expect_fy:
            assert axis["labelExpr"] == charts.FY_LABEL_EXPR
            assert "format" not in axis
            # one tick per figure, at the year's end (31 March), never at January
            assert [(v["year"], v["month"], v["date"]) for v in axis["values"]] == [
                (y, 3, 31) for y in range(2015, 2027)
            ]
        else:
            assert axis["format"] == "%b %Y"
            assert "labelExpr" not in axis
    periods = [
        row["period"] for rows in _datasets(spec).values() for row in rows if "period" in row
    ]
    if expect_fy:
        assert "2014/15" in periods and "2025/26" in periods


def test_interval_chart_labels_financial_years_too() -> None:
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2017-03-31", "2018-03-31"]),
            "value": [80.0, 82.0],
            "low": [75.0, 77.0],
            "high": [85.0, 87.0],
            "base": [200, 210],
        }
    )
    spec = _spec(charts.interval_chart(frame, y_title="Per cent", frequency="financial_year"))
    assert any(
        layer["encoding"]["x"].get("axis", {}).get("labelExpr") == charts.FY_LABEL_EXPR
        for layer in _layers(spec)
    )
    assert spec["description"].startswith("Chart of Per cent, 2016/17 to 2017/18.")
    assert "82.0% (2017/18), 95% interval 77.0% to 87.0%" in spec["description"]


@pytest.mark.parametrize(
    ("baseline", "drawn"),
    [
        # the plan's baseline years before the first figure: nothing to shade
        ((pd.Timestamp("2010-04-01"), pd.Timestamp("2011-03-31"), "2010/11"), None),
        # overlapping the start: shaded from the first figure only
        (
            (pd.Timestamp("2013-04-01"), pd.Timestamp("2017-03-31"), "2013-17"),
            ("2015-03-31", "2017-03-31"),
        ),
        # inside the figures: drawn as given
        (
            (pd.Timestamp("2016-01-01"), pd.Timestamp("2018-12-31"), "2016-18"),
            ("2016-01-01", "2018-12-31"),
        ),
    ],
)
def test_a_baseline_outside_the_figures_is_not_drawn(
    baseline: tuple[pd.Timestamp, pd.Timestamp, str], drawn: tuple[str, str] | None
) -> None:
    spec = _spec(charts.spc_chart(_officers(), y_title="FTE", baseline=baseline))
    rects = [layer for layer in _layers(spec) if layer["mark"]["type"] == "rect"]
    if drawn is None:
        assert rects == []
        return
    assert len(rects) == 1
    rows = _datasets(spec)[rects[0]["data"]["name"]]
    assert rows[0]["start"].startswith(drawn[0]) and rows[0]["end"].startswith(drawn[1])


def test_a_distant_target_is_a_note_and_does_not_stretch_the_axis() -> None:
    spec = _spec(
        charts.spc_chart(
            _officers(),
            y_title="FTE",
            target=3000,
            target_label="keep police officer numbers above 3000",
        )
    )
    # no rule at 3,000 on the y scale: the domain comes from the figures and limits
    rules = [layer for layer in _layers(spec) if layer["mark"]["type"] == "rule"]
    assert rules == []
    notes = [
        layer
        for layer in _layers(spec)
        if layer["mark"]["type"] == "text" and layer["encoding"].get("y", {}).get("value") == 0
    ]
    assert len(notes) == 1
    rows = _datasets(spec)[notes[0]["data"]["name"]]
    assert rows[0]["label"] == (
        "▲ keep police officer numbers above 3000 (3,000): above the chart's range"
    )
    all_y = [
        row.get(f)
        for layer in _layers(spec)
        for f in _y_fields({"layer": [layer]})
        for row in _datasets(spec).get(layer.get("data", {}).get("name", ""), [])
    ]
    assert max(v for v in all_y if v is not None) < 1200


@pytest.mark.parametrize(
    ("target", "far"),
    [(1150, False), (1250, False), (1400, True), (900, True), (1000, False)],
)
def test_a_near_target_is_a_line(target: float, far: bool) -> None:
    # figures 1,090-1,170 (limits included): range 80, so further than 80 beyond is far
    assert charts.target_is_far(target, (1090.0, 1170.0)) is far
    spec = _spec(charts.spc_chart(_officers(), y_title="FTE", target=target))
    rules = [layer for layer in _layers(spec) if layer["mark"]["type"] == "rule"]
    assert (rules == []) is far


def test_legend_is_below_and_never_cut_short() -> None:
    legend = charts.theme()["config"]["legend"]
    assert legend["orient"] == "bottom"
    assert legend["labelLimit"] == 0  # 0: no limit
    assert legend["direction"] == "vertical"


def test_every_chart_has_an_accessible_name() -> None:
    spc = _spec(charts.spc_chart(_officers(), y_title="FTE", x_title="As at"))
    assert spc["description"] == (
        "Chart of FTE, 31 March 2015 to 31 March 2026. Latest: 1,142 (31 March 2026), "
        "special cause: improvement."
    )
    given = _spec(charts.spc_chart(_officers(), y_title="FTE", description="Police officers"))
    assert given["description"] == "Police officers"
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-01-31", "2024-02-29"] * 2),
            "value": [1, 2, 3, 4],
            "kind": ["Officers", "Officers", "Staff", "Staff"],
        }
    )
    lines = _spec(
        charts.lines_chart(
            frame, x="date", y="value", colour="kind", y_title="FTE", colour_title="Worker type"
        )
    )
    assert lines["description"] == (
        "Chart of FTE by worker type (Officers, Staff), January 2024 to February 2024."
    )
    bars = _spec(
        charts.bar_chart(
            pd.DataFrame({"area": ["A (this area)", "B"], "value": [3.0, 5.0]}),
            category="area",
            value="value",
            x_title="Rate per 1,000",
            highlight="A (this area)",
        )
    )
    assert bars["description"] == "Bar chart of Rate per 1,000, 2 bars; A (this area) is 3."


def test_chart_description_names_measure_period_latest_and_judgement() -> None:
    text = charts.chart_description(
        "Police officers (FTE)",
        pd.Series(pd.to_datetime(["2015-03-31", "2026-03-31"])),
        frequency="financial_year",
        latest="1,143",
        judgement="on track",
    )
    assert text == (
        "Chart of Police officers (FTE), 2014/15 to 2025/26. Latest: 1,143. Judgement: on track."
    )
