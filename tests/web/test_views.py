"""The dashboard's series and chart geometry: plain functions over plain data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from skillcoach.app.web import charts, views
from skillcoach.learner.review import new_card


def test_the_forecast_counts_overdue_reviews_today_and_spans_30_days() -> None:
    now = datetime(2026, 12, 2, 12, tzinfo=UTC)
    overdue = new_card("ada", "a", now)
    overdue["due"] = (now - timedelta(days=2)).isoformat()
    later = new_card("ada", "b", now)
    later["due"] = (now + timedelta(days=3)).isoformat()
    beyond = new_card("ada", "c", now)
    beyond["due"] = (now + timedelta(days=45)).isoformat()
    forecast = views.review_forecast({"a": overdue, "b": later, "c": beyond}, now)
    assert len(forecast) == 30 and forecast[0]["date"] == "2026-12-02"
    assert forecast[0]["due"] == 1 and forecast[3]["due"] == 1 and sum(d["due"] for d in forecast) == 2


def test_activity_covers_twelve_weeks_ending_today() -> None:
    today = date(2026, 12, 2)
    series = views.activity([today, today, today - timedelta(days=1), today - timedelta(days=200)], today)
    assert len(series) == 84 and series[-1] == {"date": "2026-12-02", "answers": 2}
    assert series[-2]["answers"] == 1 and sum(d["answers"] for d in series) == 3


def test_accuracy_is_the_share_right_per_answering_day() -> None:
    day1, day2 = date(2026, 12, 1), date(2026, 12, 2)
    series = views.accuracy_by_day([(day2, True), (day1, False), (day1, True), (day1, True)])
    assert series == [{"date": "2026-12-01", "answers": 3, "accuracy": 0.667},
                      {"date": "2026-12-02", "answers": 1, "accuracy": 1.0}]


def test_columns_scale_to_the_highest_value() -> None:
    chart = charts.columns([{"date": "d1", "due": 0}, {"date": "d2", "due": 4}, {"date": "d3", "due": 2}], "due")
    heights = [c["h"] for c in chart["cols"]]
    assert heights == [0, charts.PLOT_H, charts.PLOT_H / 2]
    assert all(c["y"] + c["h"] == charts.PLOT_H for c in chart["cols"])


def test_the_calendar_puts_days_in_weekday_rows_and_shades_by_count() -> None:
    series = [{"date": f"d{n}", "answers": n % 3} for n in range(14)]
    cal = charts.calendar(series)
    assert (cal["cells"][8]["x"], cal["cells"][8]["y"]) == (charts.CELL, charts.CELL)
    assert [c["level"] for c in cal["cells"][:3]] == [0, 2, 4]


def test_mastery_colour_never_stands_alone() -> None:
    objectives = [{"title": "o1", "p_mastery": None, "mastered": False},
                  {"title": "o2", "p_mastery": 0.42, "mastered": False}]
    bars = charts.mastery_bars({"skills": [{"title": "S", "mastered": 0, "objectives": objectives}]})
    assert [b["percent"] for b in bars[0]["bars"]] == [0, 42]
    assert bars[0]["bars"][0]["colour"] != bars[0]["bars"][1]["colour"]


def test_blocks_are_grouped_by_day_with_end_times() -> None:
    plan = {"blocks": [{"day": "2026-11-30", "start": "18:00", "minutes": 25, "kind": "learn", "objective_id": "a"},
                       {"day": "2026-11-30", "start": "18:30", "minutes": 15, "kind": "review", "objective_id": "b"},
                       {"day": "2026-12-02", "start": "07:45", "minutes": 30, "kind": "learn", "objective_id": "b"},
                       {"day": "2026-12-03", "start": "07:45", "minutes": 30, "kind": "learn", "objective_id": "b"}]}
    days = views.blocks_by_day(plan, next_objective="b")
    assert [d["label"] for d in days] == ["Monday 30 November", "Wednesday 02 December", "Thursday 03 December"]
    assert [b["end"] for b in days[0]["blocks"]] == ["18:25", "18:45"]
    flags = [b["next_up"] for d in days for b in d["blocks"]]
    assert flags == [False, False, True, False], "only the first learning block on the next objective"
