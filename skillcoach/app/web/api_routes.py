"""The JSON API under /api/: sessions, messages, progress, plans and replays (the pages use it too)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field

from skillcoach.app.web import views
from skillcoach.app.web.accounts import Account
from skillcoach.app.web.security import account, check_csrf, csrf_token, operator
from skillcoach.app.web.streaming import stream_turn

router = APIRouter(prefix="/api", tags=["api"])
Who = Annotated[Account, Depends(account)]
Operator = Annotated[Account, Depends(operator)]
CSRF = [Depends(check_csrf)]


class NewSession(BaseModel):
    """The body of a request to open a session: resume the open one, or start a new one with a time budget."""

    new: bool = Field(False, description="Start a new session even if one is open.")
    minutes: int | None = Field(None, ge=1, le=600, description="Time budget of a new session.")
    objective_id: str | None = Field(None, max_length=200, description=(
        "Start a new session on this objective (implies new); the coach teaches first the prerequisite "
        "it still needs, and says so in a notice. An unknown objective is a 400."))


class Message(BaseModel):
    """One JSONL-protocol message, plus the turn it answers (a stale turn is refused with 409)."""

    kind: Literal["answer", "ask", "command"]
    text: str = Field(max_length=20_000)
    turn: int | None = Field(None, description="The session's turn when the question was shown.")


@router.get("/me")
def me(request: Request, who: Who) -> dict[str, Any]:
    """The signed-in learner, their role, and the CSRF token to send as X-CSRF-Token."""
    return {"learner_id": who.learner_id, "operator": who.operator, "csrf_token": csrf_token(request)}


@router.post("/sessions", dependencies=CSRF)
def open_session(request: Request, who: Who, body: NewSession) -> dict[str, Any]:
    """Resume the learner's open session, or start one (on a chosen objective with ``objective_id``)."""
    opened: dict[str, Any] = _web(request).hub.open(who.learner_id, new=body.new, minutes=body.minutes,
                                                    objective_id=body.objective_id).as_json()
    return opened


@router.get("/sessions")
def list_sessions(request: Request, who: Who) -> list[dict[str, Any]]:
    """The learner's sessions, oldest first."""
    return views.sessions_of(_web(request).coach.store, who.learner_id)


@router.get("/sessions/{session_id}")
def get_session(request: Request, who: Who, session_id: str) -> dict[str, Any]:
    """Where one of the learner's sessions stands: its turn and the event awaiting an answer."""
    current: dict[str, Any] = _web(request).hub.current(who.learner_id, session_id).as_json()
    return current


@router.post("/sessions/{session_id}/messages", dependencies=CSRF,
             responses={200: {"content": {"text/event-stream": {}}}, 409: {"description": "Stale turn."}})
def send(request: Request, who: Who, session_id: str, body: Message) -> Any:
    """Answer, ask or command; the events the coach produced come back in order.

    With ``Accept: text/event-stream`` they stream as server-sent events while the graph runs
    (``event`` per coach event, then ``done`` with the session's new turn and pending event).
    """
    hub = _web(request).hub
    message = {body.kind: body.text}
    if "text/event-stream" not in request.headers.get("accept", ""):
        return hub.send(who.learner_id, session_id, message, body.turn).as_json()
    hub.check(who.learner_id, session_id, body.turn)  # not found or stale: a plain 404/409, not a stream
    events = stream_turn(lambda tell: hub.send(who.learner_id, session_id, message, body.turn, tell))
    return StreamingResponse(events, media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@router.get("/progress")
def progress(request: Request, who: Who) -> dict[str, Any]:
    """Mastery per skill and objective, reviews due and forecast, activity, accuracy, what next."""
    return views.dashboard(_web(request).coach, who.learner_id)


@router.get("/plans/{week}")
def plan(request: Request, who: Who, week: str) -> dict[str, Any]:
    """The learner's plan for an ISO week like 2026-W48 (404 when none was made)."""
    stored = views.plan_of(_web(request).coach.store, who.learner_id, week)
    if stored is None:
        raise HTTPException(404, f"No plan for {week} yet.")
    return {"learner_id": who.learner_id, "week": week, "created_at": stored.created_at.isoformat(),
            "narrative": stored.narrative, "plan": stored.plan}


@router.post("/plans/{week}", dependencies=CSRF)
def make_plan(request: Request, who: Who, week: str) -> dict[str, Any]:
    """Make the learner's plan for the week if there is none yet."""
    web = _web(request)
    with web.hub.learner_lock(who.learner_id):
        views.make_plan(web.settings, web.coach.store, who.learner_id, week)
    return plan(request, who, week)


@router.post("/batch/plans/{week}", dependencies=CSRF)
def plan_everyone(request: Request, _: Operator, week: str) -> dict[str, int]:
    """Operators: the weekly batch, every learner's plan for the week (already planned ones are kept)."""
    web = _web(request)
    with web.hub.operator_lock:
        return views.plan_everyone(web.settings, web.coach.store, week)


@router.get("/plans/{week}/ics", response_class=Response)
def plan_ics(request: Request, who: Who, week: str) -> Response:
    """The week's plan as an iCalendar file, one event per block."""
    data = views.plan_ics_of(_web(request).coach.store, who.learner_id, week)
    if data is None:
        raise HTTPException(404, f"No plan for {week} yet.")
    return Response(data, media_type="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="skillcoach-{week}.ics"'})


@router.get("/replays")
def replays(request: Request, _: Operator, learner: str | None = None) -> list[dict[str, Any]]:
    """Operators: every recorded session (or one learner's)."""
    return views.replay_rows(_web(request).coach.store, learner)


@router.get("/replays/{session_id}")
def replay(request: Request, _: Operator, session_id: str) -> dict[str, Any]:
    """Operators: one session turn by turn (route, tools, model calls, grade, mastery, trace link)."""
    return views.replay_view(_web(request).coach, session_id)


@router.post("/replays/{session_id}/run", dependencies=CSRF)
def replay_run(request: Request, _: Operator, session_id: str) -> dict[str, Any]:
    """Operators: ``replay run`` (re-run on a scratch copy) and the turns side by side."""
    web = _web(request)
    with web.hub.operator_lock:
        return views.replay_run(web.settings, session_id)


def _web(request: Request) -> Any:
    return request.app.state.web
