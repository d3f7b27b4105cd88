"""``create_app``: the FastAPI application of the browser face, on one ``Coach``."""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from starlette.middleware.sessions import SessionMiddleware

from skillcoach.app.api import Coach
from skillcoach.app.web.accounts import Accounts, SignInLimiter
from skillcoach.app.web.security import NotSignedIn, csrf_token, secret_key
from skillcoach.app.web.sessions import SessionHub, SessionNotFound, StaleTurn
from skillcoach.errors import SkillcoachError
from skillcoach.settings import Settings

HERE = Path(__file__).parent
SESSION_DAYS = 14
SIGNUPS_PER_HOUR = 20


@dataclass
class WebState:
    """What every route needs, kept on ``app.state.web``."""

    settings: Settings
    coach: Coach
    hub: SessionHub
    accounts: Accounts
    limiter: SignInLimiter
    signups: SignInLimiter  # sign-ups per client address: each costs an Argon2 hash and a learner row
    templates: Jinja2Templates
    local: bool


def create_app(settings: Settings | None = None, *, local: bool = False, secure_cookies: bool = False,
               coach: Coach | None = None) -> FastAPI:
    """The app; ``secure_cookies`` marks the cookie Secure (set it whenever it is served over HTTPS)."""
    settings = settings or Settings()
    coach = coach or Coach(settings)
    state = WebState(settings, coach, SessionHub(coach), Accounts(coach.store), SignInLimiter(),
                     SignInLimiter(limit=SIGNUPS_PER_HOUR, window=3600), _templates(), local)

    @asynccontextmanager
    async def lifespan(_: FastAPI):  # type: ignore[no-untyped-def]
        yield
        coach.close()

    # FastAPI's own /docs loads Swagger UI from a CDN; ours renders the same OpenAPI document on the server.
    app = FastAPI(title="skillcoach", summary="The coach in the browser; the JSON API is under /api/.",
                  lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.web = state
    app.middleware("http")(_security_headers)
    app.add_middleware(SessionMiddleware, secret_key=secret_key(settings.data_dir), session_cookie="skillcoach",
                       max_age=SESSION_DAYS * 24 * 3600, same_site="lax", https_only=secure_cookies)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _errors(app)
    from skillcoach.app.web import api_routes, pages

    app.include_router(api_routes.router)
    app.include_router(pages.router)
    return app


def app_from_env() -> FastAPI:
    """The app as ``serve --workers N`` starts it in each worker: settings and flags from the environment."""
    return create_app(Settings(), local=os.environ.get("SKILLCOACH_WEB_LOCAL") == "1",
                      secure_cookies=os.environ.get("SKILLCOACH_WEB_SECURE") == "1")


# Scripts only from our own files (no inline script can run, whatever got into a page); inline style
# attributes are allowed for the bar widths; no framing, no sniffing, no referrer to other sites.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
                               "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


async def _security_headers(request: Request, call_next: Any) -> Any:
    response = await call_next(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, extensions=["jinja2.ext.i18n"])
    # English by default; each page passes its learner's own gettext (pages.render): no process-wide language
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    templates = Jinja2Templates(env=env)
    templates.env.globals["csrf_token"] = csrf_token
    return templates


def _errors(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _: NotSignedIn) -> Any:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "Sign in first."}, status_code=401)
        return RedirectResponse("/signin", status_code=303)

    @app.exception_handler(StaleTurn)
    async def stale(_: Request, exc: StaleTurn) -> Any:
        return JSONResponse({"detail": str(exc)}, status_code=409)

    @app.exception_handler(SessionNotFound)
    async def not_found(_: Request, exc: SessionNotFound) -> Any:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(SkillcoachError)
    async def user_error(_: Request, exc: SkillcoachError) -> Any:
        return JSONResponse({"detail": str(exc)}, status_code=400)
