"""Server-side SVG charts for the dashboard, as plain geometry for the templates to draw.

Each chart comes with the same numbers as a table in the template, for screen readers and for
anyone who prefers to read them.
"""

from __future__ import annotations

from typing import Any

COLUMN_W, PLOT_H = 12, 100
CELL = 13


def mastery_colour(p: float | None) -> str:
    """Red-amber-green by mastery; grey for not started (colour is never the only cue: % is written)."""
    if p is None:
        return "#c8c8c8"
    if p >= 0.95:
        return "#1a7f37"
    if p >= 0.6:
        return "#4c9a2a"
    if p >= 0.3:
        return "#b7791f"
    return "#c0392b"


def mastery_bars(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One bar per objective, grouped by skill."""
    return [{"title": skill["title"], "mastered": skill["mastered"], "total": len(skill["objectives"]),
             "bars": [{"title": o["title"], "p": o["p_mastery"], "percent": round((o["p_mastery"] or 0) * 100),
                       "colour": mastery_colour(o["p_mastery"]), "mastered": o["mastered"]}
                      for o in skill["objectives"]]}
            for skill in data["skills"]]


def columns(series: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """A column chart of ``key`` per day: x, y, height of each column, scaled to the highest."""
    top = max((s[key] for s in series), default=0) or 1
    cols = [{"x": i * COLUMN_W, "h": round(s[key] / top * PLOT_H, 1), "value": s[key], "date": s["date"]}
            for i, s in enumerate(series)]
    for col in cols:
        col["y"] = round(PLOT_H - col["h"], 1)
    return {"cols": cols, "width": len(cols) * COLUMN_W, "height": PLOT_H, "top": top}


def calendar(series: list[dict[str, Any]]) -> dict[str, Any]:
    """A weeks-by-weekday grid of answers per day, darker for more."""
    top = max((s["answers"] for s in series), default=0) or 1
    cells = []
    for i, s in enumerate(series):
        level = 0 if s["answers"] == 0 else 1 + min(3, int(3 * s["answers"] / top))
        cells.append({"x": (i // 7) * CELL, "y": (i % 7) * CELL, "level": level, "answers": s["answers"],
                      "date": s["date"]})
    return {"cells": cells, "width": (len(series) + 6) // 7 * CELL, "height": 7 * CELL}


def accuracy_line(series: list[dict[str, Any]]) -> dict[str, Any]:
    """A polyline of the share of right answers per answering day."""
    if not series:
        return {"points": "", "dots": [], "width": 0, "height": PLOT_H}
    step = 300 / max(1, len(series) - 1)
    dots = [{"x": round(i * step, 1), "y": round(PLOT_H - s["accuracy"] * PLOT_H, 1), "date": s["date"],
             "accuracy": s["accuracy"]} for i, s in enumerate(series)]
    return {"points": " ".join(f"{d['x']},{d['y']}" for d in dots), "dots": dots, "width": 300, "height": PLOT_H}


def build(data: dict[str, Any]) -> dict[str, Any]:
    """Build every dashboard chart from the dashboard data: mastery bars, review forecast, calendar, accuracy."""
    return {"mastery": mastery_bars(data), "forecast": columns(data["forecast"], "due"),
            "calendar": calendar(data["activity"]), "accuracy": accuracy_line(data["accuracy"])}
