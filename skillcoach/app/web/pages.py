"""The HTML pages: sign-in and sign-up, the session, the dashboard, the weekly plan and the replays."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from skillcoach.app.web import charts, views
from skillcoach.app.web.accounts import Account, AccountError
from skillcoach.app.web.language import page_language
from skillcoach.app.web.security import account, check_csrf, operator, sign_in
from skillcoach.errors import SkillcoachError
from skillcoach.i18n import translator

router = APIRouter(include_in_schema=False)
Who = Annotated[Account, Depends(account)]
Operator = Annotated[Account, Depends(operator)]
CSRF = [Depends(check_csrf)]


def render(request: Request, name: str, who: Account | None = None, status: int = 200, **context: Any) -> Response:
    """Render a page template with the signed-in account and whether the app runs in local mode."""
    web = request.app.state.web
    language = page_language(page_lang(request, who))
    response: Response = web.templates.TemplateResponse(
        request, name, {"who": who, "local": web.local, **language, **context}, status_code=status)
    return response


def page_lang(request: Request, who: Account | None = None) -> str:
    """The signed-in learner's language; before sign-in, the server's (SKILLCOACH_LANG, else the locale)."""
    web = request.app.state.web
    if who is None:
        return str(web.settings.lang)
    try:
        return str(web.coach.learner_lang(who.learner_id))
    except SkillcoachError:  # an account whose learner row is gone: the page still renders
        return str(web.settings.lang)


def gettext_for(request: Request, who: Account | None = None) -> Callable[[str], str]:
    """The gettext of the page's language, for the messages a route puts on the page."""
    return translator(page_lang(request, who)).gettext


@router.get("/")
def home(request: Request) -> Response:
    """Send a signed-in learner to their session and anyone else to the sign-in page."""
    web = request.app.state.web
    signed_in = web.local or request.session.get("learner")
    return RedirectResponse("/session" if signed_in else "/signin", status_code=303)


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request) -> Response:
    """Show the sign-in form."""
    return render(request, "signin.html", mode="signin")


@router.post("/signin", dependencies=CSRF)
def signin(request: Request, learner: Annotated[str, Form(max_length=200)],
           password: Annotated[str, Form(max_length=2000)]) -> Response:
    """Sign the learner in, or show the form again after a wrong password or too many failed attempts."""
    web = request.app.state.web
    _ = gettext_for(request)
    keys = (f"ip:{request.client.host if request.client else '?'}", f"name:{learner.strip().lower()}")
    if web.limiter.blocked(*keys):
        return render(request, "signin.html", mode="signin", status=429, learner=learner,
                      error=_("Too many failed sign-ins: wait a few minutes and try again."))
    found = web.accounts.verify(learner.strip(), password)
    if found is None:
        web.limiter.failed(*keys)
        return render(request, "signin.html", mode="signin", status=400, learner=learner,
                      error=_("That name and password do not match an account."))
    sign_in(request, found.learner_id)
    return RedirectResponse("/session", status_code=303)


@router.get("/signup", response_class=HTMLResponse)
def signup_page(request: Request) -> Response:
    """Show the sign-up form."""
    return render(request, "signin.html", mode="signup")


@router.post("/signup", dependencies=CSRF)
def signup(request: Request, learner: Annotated[str, Form(max_length=200)],
           password: Annotated[str, Form(max_length=2000)]) -> Response:
    """Create the learner's account and sign them in, with sign-ups limited per client address."""
    web = request.app.state.web
    _ = gettext_for(request)
    address = f"ip:{request.client.host if request.client else '?'}"
    if web.signups.blocked(address):
        return render(request, "signin.html", mode="signup", status=429, learner=learner,
                      error=_("Too many sign-ups from this address: try again in an hour."))
    web.signups.failed(address)  # every attempt counts: each one costs a password hash
    try:
        created = web.accounts.create(learner.strip(), password)
    except (AccountError, SkillcoachError) as exc:
        return render(request, "signin.html", mode="signup", status=400, learner=learner,
                      error=exc.translated(_))
    sign_in(request, created.learner_id)
    return RedirectResponse("/session", status_code=303)


@router.post("/signout", dependencies=CSRF)
def signout(request: Request) -> Response:
    """Forget the browser's sign-in and go back to the sign-in page."""
    request.session.clear()
    return RedirectResponse("/signin", status_code=303)


@router.get("/session", response_class=HTMLResponse)
def session_page(request: Request, who: Who) -> Response:
    """Show the session page, where the learner studies."""
    return render(request, "session.html", who, page="session")


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(request: Request, who: Who) -> Response:
    """Show the learner's dashboard: progress, review forecast, activity and accuracy charts."""
    data = views.dashboard(request.app.state.web.coach, who.learner_id, page_lang(request, who))
    return render(request, "dashboard.html", who, page="dashboard", data=data, charts=charts.build(data))


@router.get("/plan", response_class=HTMLResponse)
def plan_page(request: Request, who: Who, week: str | None = None) -> Response:
    """Show the learner's plan for a week (this week by default), with what comes next this week."""
    web = request.app.state.web
    week = week or views.this_week(web.coach)
    try:
        stored = views.plan_of(web.coach.store, who.learner_id, week)
    except SkillcoachError as exc:
        raise HTTPException(400, str(exc)) from None
    step = views.next_up(web.coach, who.learner_id) if week == views.this_week(web.coach) else None
    lang = page_lang(request, who)
    days = views.blocks_by_day(stored.plan, step.objective_id if step and step.mode == "learn" else None, lang) \
        if stored else []
    reason = views.shown_reason(step, translator(lang).gettext) if step else None
    return render(request, "plan.html", who, page="plan", week=week, stored=stored, next=step, next_reason=reason,
                  days=days)


@router.post("/plan", dependencies=CSRF)
def make_plan_page(request: Request, who: Who, week: Annotated[str, Form(max_length=20)]) -> Response:
    """Make the learner's plan for the week, then show it."""
    web = request.app.state.web
    try:
        with web.hub.learner_lock(who.learner_id):
            views.make_plan(web.settings, web.coach.store, who.learner_id, week)
    except SkillcoachError as exc:
        return render(request, "plan.html", who, page="plan", week=week, stored=None, days=[], error=str(exc),
                      status=400)
    return RedirectResponse(f"/plan?week={week}", status_code=303)


@router.post("/plan/start", dependencies=CSRF)
def start_block(request: Request, who: Who,
                objective_id: Annotated[str | None, Form(max_length=200)] = None) -> Response:
    """Start a new session on the block's objective; without one, on what the planner takes next."""
    try:
        request.app.state.web.hub.open(who.learner_id, new=True, objective_id=objective_id or None)
    except SkillcoachError as exc:
        raise HTTPException(400, str(exc)) from None
    return RedirectResponse("/session", status_code=303)


@router.get("/replays", response_class=HTMLResponse)
def replays_page(request: Request, who: Operator) -> Response:
    """Show the operator the recorded sessions, newest first, to walk or replay them."""
    web = request.app.state.web
    rows = views.replay_rows(web.coach.store, None)
    return render(request, "replays.html", who, page="replays", rows=list(reversed(rows)),
                  week=views.this_week(web.coach))


@router.post("/batch", dependencies=CSRF, response_class=HTMLResponse)
def batch_page(request: Request, who: Operator, week: Annotated[str, Form(max_length=20)]) -> Response:
    """Plan the week for every learner (the weekly batch), then show the counts beside the sessions."""
    web = request.app.state.web
    try:
        with web.hub.operator_lock:
            counts = views.plan_everyone(web.settings, web.coach.store, week)
    except SkillcoachError as exc:
        raise HTTPException(400, str(exc)) from None
    rows = views.replay_rows(web.coach.store, None)
    return render(request, "replays.html", who, page="replays", rows=list(reversed(rows)), week=week,
                  batch=counts)


@router.get("/replays/{session_id}", response_class=HTMLResponse)
def replay_page(request: Request, who: Operator, session_id: str) -> Response:
    """Show the operator a recorded session turn by turn."""
    try:
        view = views.replay_view(request.app.state.web.coach, session_id)
    except SkillcoachError as exc:
        raise HTTPException(404, str(exc)) from None
    return render(request, "replay.html", who, page="replays", view=view)


@router.post("/replays/{session_id}/run", dependencies=CSRF, response_class=HTMLResponse)
def replay_run_page(request: Request, who: Operator, session_id: str) -> Response:
    """Replay a recorded session and show how the replay compares with the original."""
    web = request.app.state.web
    try:
        with web.hub.operator_lock:
            result = views.replay_run(web.settings, session_id)
    except SkillcoachError as exc:
        raise HTTPException(400, str(exc)) from None
    return render(request, "replay_run.html", who, page="replays", result=result)


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> Response:
    """The JSON API's reference, drawn from FastAPI's OpenAPI document (no CDN, no JavaScript)."""
    return render(request, "docs.html", operations=views.operations(request.app.openapi()))
