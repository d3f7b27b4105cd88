"""Quiz: puts the next practice question on the table (the learner node waits for the answer)."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.context import CoachContext
from agents.events import question
from agents.state import CoachState
from skillcoach.curriculum.models import Item, Objective
from skillcoach.learner.bkt import guess_rate
from skillcoach.learner.mastery import CONFIRM_MAX_GUESS


def quiz(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    """Ask the next question on the current objective, a fresh variant when the learner has seen the item."""
    ctx = runtime.context
    oid = state["objective_id"]
    assert oid, "the quiz asks only about a chosen objective"
    objective = ctx.curriculum.objective(oid)
    asked = list(state.get("asked", []))
    seen = ctx.store.item_counts(state["learner_id"], oid)
    known = ctx.store.state(state["learner_id"], oid)  # one read gives P(L) and the items to re-check
    p_mastery = known.knowledge.p_mastery if known else 0.0
    item = pick_item(objective, asked, seen, p_mastery, recheck=set(known.recheck) if known else set(),
                     review=state.get("mode") == "review")
    # A learner who has met this item before gets a fresh variant when a model can write one.
    variant = ctx.composer.variant(item, objective) if seen.get(item.id) else None
    shown = variant or item
    number = state.get("questions", 0) + 1
    return {
        "item_id": item.id,
        "variant": variant.model_dump(mode="json") if variant else None,
        "asked": [*asked, item.id],
        "items_left": len(objective.items) - len(asked) - 1,
        "hints": 0,
        "pending": question(shown, objective, number, state.get("mode", "learn")).wire(),
    }


def target_difficulty(p_mastery: float) -> int:
    """Easy items while the coach believes little is known, harder ones as belief grows."""
    if p_mastery < 0.4:
        return 1
    return 2 if p_mastery < 0.8 else 3


def pick_item(objective: Objective, asked: list[str], seen: dict[str, int], p_mastery: float,
              recheck: set[str] | None = None, *, review: bool = False) -> Item:
    """Choose the objective's next item.

    An item answered with a misconception comes back (not straight after itself); else the least-seen
    item not asked this session, closest to the target difficulty, bank order last.

    A review (or a later-day confirmation) prefers an item hard enough to guess to confirm mastery (a
    true/false item cannot), then one the learner has never answered, then the hardest to guess: one
    right answer there is the whole evidence that the objective is held.
    """
    again = [i for i in objective.items if i.id in (recheck or set()) and (not asked or asked[-1] != i.id)]
    if again:
        return again[0]
    fresh = [i for i in objective.items if i.id not in asked] or list(objective.items)
    target = target_difficulty(p_mastery)
    position = {i.id: n for n, i in enumerate(objective.items)}
    if review:
        return min(fresh, key=lambda i: (guess_rate(i) > CONFIRM_MAX_GUESS, seen.get(i.id, 0) > 0, guess_rate(i),
                                         seen.get(i.id, 0), abs(i.difficulty - target), position[i.id]))
    return min(fresh, key=lambda i: (seen.get(i.id, 0), abs(i.difficulty - target), position[i.id]))
