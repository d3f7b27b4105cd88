"""The weekly plan: due reviews and ready objectives, packed into a learner's week.

Pure and deterministic: the same curriculum, learner, progress and week give the same plan.

1. Candidates: the FSRS reviews due by the end of the week (in the learner's time zone), and the
   objectives whose prerequisites are mastered, within the goal skills and what they need (all
   skills when there are no goals). An objective planned earlier in the week counts as done for
   the objectives after it, so a generous budget reaches past today's fringe.
2. Value per minute: a due review keeps a mastered objective (worth 1, plus its forgetting risk);
   a new objective is worth 1 when it belongs to a goal skill, plus ``unlock_value`` for each goal
   objective it leads to. Progress already made shortens the minutes it needs.
3. Packing, best value per minute first: reviews get at most ``review_share`` of the budget while
   anything in scope is left to learn. A leftover of ``min_block_minutes`` or more starts the best
   objective that did not fit whole.
4. The blocks are spread over the study days (see ``planning.spread``), each with a one-line reason.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from skillcoach.curriculum.catalog import Curriculum
from skillcoach.errors import SkillcoachError
from skillcoach.i18n import N_, SOURCE_LANG, format_day, translator
from skillcoach.learner import review
from skillcoach.learner.bkt import MASTERY_THRESHOLD, BKTParams
from skillcoach.learner.profile import WEEKDAYS, LearnerProfile, StudyState
from skillcoach.planning.next_step import due_reviews
from skillcoach.planning.spread import Block, spread
from skillcoach.planning.weeks import parse_week


class PlanningError(SkillcoachError, ValueError):
    """The plan cannot be made from these settings; the message says what to change."""


class NothingToPlan(PlanningError):
    """Everything in scope is mastered and no review falls due: there is nothing to put in a plan."""


@dataclass(frozen=True)
class PlanRules:
    """The tunable rules of the weekly planner: review share, block lengths, day limits and start time."""

    review_share: float = 0.4  # the most of the budget reviews take while something is left to learn
    review_minutes: int = 5  # one review: a question or two on a mastered objective
    min_block_minutes: int = 10  # shorter than this is not worth starting an objective
    unlock_value: float = 0.25  # value of leading to one more goal objective
    max_day_minutes: int = 480  # no study day is planned longer than this
    start: time = time(18, 0)  # when the day's first block starts, local time
    default_days: tuple[str, ...] = ("mon", "wed", "fri")


@dataclass(frozen=True)
class _Scope:
    """What may be learned this week and what counts toward the goals."""

    learnable: frozenset[str]  # goal objectives and every prerequisite they need
    goal_objectives: frozenset[str]
    remaining_goals: frozenset[str]  # goal objectives not mastered yet
    has_goals: bool


class WeeklyPlanner:
    """Plans weeks over one curriculum; the prerequisite graph is indexed once."""

    def __init__(self, curriculum: Curriculum, rules: PlanRules | None = None, lang: str | None = None):
        self.curriculum = curriculum
        self.rules = rules or PlanRules()
        self.lang = lang or curriculum.locale  # SKILLCOACH_LANG picks the curriculum's language
        self._ = translator(self.lang).gettext if self.lang != SOURCE_LANG else N_  # reasons in that language
        self._by_lang: dict[str, WeeklyPlanner] = {self.lang: self}
        self._position = {oid: n for n, oid in enumerate(curriculum.order)}
        self._next: dict[str, list[str]] = {oid: [] for oid in curriculum.order}
        for oid in curriculum.order:
            for dep in curriculum.objective(oid).prerequisites:
                self._next[dep].append(oid)
        self._downstream = {oid: self._leads_to(oid) for oid in curriculum.order}

    def plan(self, profile: LearnerProfile, state: StudyState, week: str,
             now: datetime | None = None) -> dict[str, Any]:
        """The plan for ``week`` ('2026-W48'); raises PlanningError or NothingToPlan with a clear message.

        With ``now``, the current week keeps only the study days still ahead (in the learner's zone).
        Titles and reasons are in the learner's language (``profile.lang``; the planner's own when unset).
        """
        lang = profile.lang or self.lang
        if lang != self.lang:
            if lang not in self._by_lang:  # the same objectives (ids) in that language, planned once per language
                self._by_lang[lang] = WeeklyPlanner(self.curriculum.localized(lang), self.rules, lang)
            return self._by_lang[lang].plan(profile, state, week, now)
        zone = self._check(profile)
        monday, sunday = parse_week(week)
        days = [monday + timedelta(days=WEEKDAYS.index(d)) for d in profile.days or self.rules.default_days]
        days = days_ahead(days, now, zone, self.rules.start, week) if now is not None else days
        budget = min(profile.weekly_minutes, len(days) * self.rules.max_day_minutes)
        week_end = datetime.combine(sunday + timedelta(days=1), time(0), zone)
        scope = self._scope(profile, state)
        reviews = self._reviews(state, week_end, zone, monday)
        ready = [self._learn(oid, state, scope, set()) for oid in self._ready(scope, set(state.mastered))]
        if not reviews and not ready:
            raise NothingToPlan(f"nothing to plan for {profile.id} in {week}: every objective "
                                f"{'toward the goals ' if scope.has_goals else ''}is mastered and no review "
                                "falls due that week")
        blocks = self._pack(reviews, ready, state, scope, budget)
        placed = spread(blocks, days, budget, self.rules.start)
        return self._document(profile, week, days, placed, budget)

    # -- candidates -----------------------------------------------------------
    def _check(self, profile: LearnerProfile) -> ZoneInfo:
        if profile.weekly_minutes < self.rules.min_block_minutes:
            raise PlanningError(f"learner {profile.id} has a weekly budget of {profile.weekly_minutes} minutes: "
                                f"set weekly_minutes to at least {self.rules.min_block_minutes}")
        unknown = [goal for goal in profile.goals if self.curriculum.skill(goal) is None]
        if unknown:
            raise PlanningError(f"learner {profile.id} has goal skill(s) that do not exist: {', '.join(unknown)} "
                                "(see 'skillcoach curriculum list')")
        try:
            return ZoneInfo(profile.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise PlanningError(f"learner {profile.id} has an unknown time zone {profile.timezone!r}") from None

    def _scope(self, profile: LearnerProfile, state: StudyState) -> _Scope:
        goals = list(profile.goals)
        goal_objectives = frozenset(self.curriculum.objectives_of(goals))
        learnable = frozenset(self.curriculum.with_prerequisites(sorted(goal_objectives)))
        return _Scope(learnable, goal_objectives, goal_objectives - state.mastered, bool(goals))

    def _reviews(self, state: StudyState, week_end: datetime, zone: ZoneInfo, monday: date) -> list[Block]:
        blocks = []
        for oid, recall in due_reviews(state.cards, week_end):
            if oid not in self.curriculum.objectives:
                continue  # the curriculum dropped this objective
            due = review.due_at(state.cards[oid]).astimezone(zone).date()
            day = format_day(due, "short", self.lang)
            when = (self._("overdue since {day}") if due < monday else self._("due {day}")).format(day=day)
            reason = self._("review {when}: recall would be about {recall:.0%} by the end of the week").format(
                when=when, recall=recall)
            blocks.append(Block(oid, "review", self.rules.review_minutes, reason, value=2.0 - recall,
                                earliest=max(due, monday)))
        return blocks

    def _ready(self, scope: _Scope, done: set[str]) -> list[str]:
        return [oid for oid in self.curriculum.order if oid in scope.learnable and oid not in done
                and all(dep in done for dep in self.curriculum.objective(oid).prerequisites)]

    def _unlocked(self, oid: str, scope: _Scope, done: set[str]) -> list[str]:
        """Objectives that became ready once ``oid`` is done."""
        return [nxt for nxt in self._next[oid] if nxt in scope.learnable and nxt not in done
                and all(dep in done for dep in self.curriculum.objective(nxt).prerequisites)]

    def _learn(self, oid: str, state: StudyState, scope: _Scope, planned: set[str]) -> Block:
        objective = self.curriculum.objective(oid)
        progress = _progress(state, oid)
        minutes = math.ceil(objective.minutes * (1 - progress / 2))
        unlocks = len(self._downstream[oid] & scope.remaining_goals)
        value = (1.0 if oid in scope.goal_objectives else 0.0) + self.rules.unlock_value * unlocks
        return Block(oid, "learn", minutes, self._learn_reason(oid, scope, unlocks, progress, planned), value=value)

    def _learn_reason(self, oid: str, scope: _Scope, unlocks: int, progress: float, planned: set[str]) -> str:
        skill = self.curriculum.skill(oid.split("/", 1)[0])
        title = skill.title if skill else oid
        _ = self._
        if not scope.has_goals:
            parts = [_("next in {title}").format(title=title)]
        elif oid in scope.goal_objectives:
            parts = [_("toward your goal {title}").format(title=title)]
        else:
            parts = [_("{title}, needed for your goals").format(title=title)]
        after = [self.curriculum.objective(dep).title for dep in self.curriculum.objective(oid).prerequisites
                 if dep in planned]
        if after:
            parts.append(_("builds on '{title}' from earlier this week").format(title=after[0]))
        if unlocks:
            parts.append((_("leads to {n} more objectives") if unlocks > 1 else _("leads to {n} more objective")
                          ).format(n=unlocks))
        if progress >= 0.05:
            parts.append(_("you are {progress:.0%} of the way to mastery").format(progress=progress))
        return "; ".join(parts)

    def _leads_to(self, oid: str) -> frozenset[str]:
        seen: set[str] = set()
        stack = list(self._next[oid])
        while stack:
            nxt = stack.pop()
            if nxt not in seen:
                seen.add(nxt)
                stack.extend(self._next[nxt])
        return frozenset(seen)

    # -- packing --------------------------------------------------------------
    def _pack(self, reviews: list[Block], ready: list[Block], state: StudyState, scope: _Scope,
              budget: int) -> list[Block]:
        """Best value per minute first; what an objective unlocks joins the candidates once it is planned."""
        heap = [self._ranked(block) for block in reviews + ready]
        heapq.heapify(heap)
        offered = {block.objective_id for block in ready}
        done, planned = set(state.mastered), set()
        taken: list[Block] = []
        held: list[Block] = []  # reviews over the cap, or too long for what is left
        skipped: list[Block] = []  # objectives too long for what is left
        remaining, review_room = budget, int(budget * self.rules.review_share)
        while heap and remaining > 0:
            block = heapq.heappop(heap)[-1]
            over_cap = block.kind == "review" and block.minutes > review_room
            if block.minutes > remaining or over_cap:
                (held if block.kind == "review" else skipped).append(block)
                continue
            taken.append(block)
            remaining -= block.minutes
            if block.kind == "review":
                review_room -= block.minutes
                continue
            done.add(block.objective_id)
            planned.add(block.objective_id)
            for oid in self._unlocked(block.objective_id, scope, done):
                if oid not in offered:
                    offered.add(oid)
                    heapq.heappush(heap, self._ranked(self._learn(oid, state, scope, planned)))
        left_to_learn = bool(skipped) or any(entry[-1].kind == "learn" for entry in heap)
        return taken + self._fill(remaining, skipped, [] if left_to_learn else held)

    def _fill(self, remaining: int, skipped: list[Block], reviews: list[Block]) -> list[Block]:
        """The leftover: a start on the best objective that did not fit, or the reviews the cap held back."""
        if skipped and remaining >= self.rules.min_block_minutes:
            best = skipped[0]
            reason = self._("{reason}; a first {minutes} of about {total} minutes, to finish next week").format(
                reason=best.reason, minutes=remaining, total=best.minutes)
            return [replace(best, minutes=remaining, reason=reason)]
        extra = []
        for block in reviews:
            if block.minutes <= remaining:
                extra.append(block)
                remaining -= block.minutes
        return extra

    def _ranked(self, block: Block) -> tuple[float, int, int, str, Block]:
        """Heap key: value per minute, then reviews before new objectives, then teaching order."""
        rate = block.value / block.minutes
        return (-rate, 0 if block.kind == "review" else 1, self._position[block.objective_id], block.objective_id,
                block)

    # -- the document ---------------------------------------------------------
    def _document(self, profile: LearnerProfile, week: str, days: list[date],
                  placed: list[tuple[date, str, Block]], budget: int) -> dict[str, Any]:
        blocks: list[dict[str, Any]] = [
                  {"objective_id": b.objective_id, "title": self.curriculum.objective(b.objective_id).title,
                   "kind": b.kind, "minutes": b.minutes, "day": day.isoformat(), "start": start, "reason": b.reason}
                  for day, start, b in placed]
        learn = sum(b["minutes"] for b in blocks if b["kind"] == "learn")
        reviews = sum(b["minutes"] for b in blocks if b["kind"] == "review")
        return {
            "learner_id": profile.id,
            "week": week,
            "timezone": profile.timezone,
            "lang": self.lang,
            "budget_minutes": profile.weekly_minutes,
            "goals": list(profile.goals),
            "study_days": [day.isoformat() for day in days],
            "blocks": blocks,
            "totals": {"minutes": learn + reviews, "learn_minutes": learn, "review_minutes": reviews,
                       "learn_blocks": sum(1 for b in blocks if b["kind"] == "learn"),
                       "review_blocks": sum(1 for b in blocks if b["kind"] == "review"),
                       "unused_minutes": profile.weekly_minutes - learn - reviews,
                       "review_cap_minutes": int(budget * self.rules.review_share)},
        }


def days_ahead(days: list[date], now: datetime, zone: ZoneInfo, start: time, week: str) -> list[date]:
    """Study days of the current week whose first block (at ``start``) is still ahead of ``now``.

    A past or future week keeps its days: the CLI asks for --force before planning a past week.
    """
    local = now.astimezone(zone)
    monday, sunday = parse_week(week)
    if not monday <= local.date() <= sunday:
        return days
    ahead = [day for day in sorted(set(days)) if datetime.combine(day, start, zone) > local]
    if not ahead:
        raise PlanningError(f"no study day is left in {week} after {local:%a %H:%M} ({zone.key}): "
                            "plan next week with --week")
    return ahead


def _progress(state: StudyState, oid: str) -> float:
    """How far the BKT estimate has come from the prior toward the mastery threshold, 0..1."""
    known = state.knowledge.get(oid)
    if known is None:
        return 0.0
    span = MASTERY_THRESHOLD - BKTParams.p_init
    return min(1.0, max(0.0, (known.p_mastery - BKTParams.p_init) / span))
