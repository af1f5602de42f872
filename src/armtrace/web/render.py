"""Rendering pages: one Jinja2 environment per language, with gettext, and the page's common context."""

from __future__ import annotations

from functools import cache, partial
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from armtrace import i18n


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=PackageLoader("armtrace.web", "templates"),
        autoescape=select_autoescape(("html",)),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    # Texts that arrive whole (an error's detail, a problem's message) are looked up as they are and never
    # %-formatted: they may carry what the user typed, '%' included.
    env.globals["tr"] = partial(i18n.word, lang)
    return env


def language(request: Request) -> str:
    return i18n.choose(
        request.query_params.get("lang"), request.cookies.get(i18n.COOKIE), request.headers.get("accept-language")
    )


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page, or only its fragment when HTMX asks for one (the template's 'fragment' block)."""
    lang = language(request)
    env = environment(lang)
    page = env.get_template(template)
    common = {
        "request": request,
        "lang": lang,
        "dir": i18n.direction(lang),
        "languages": i18n.LANGUAGES,
        "user": getattr(request.state, "principal", None),
        "csrf": getattr(getattr(request.state, "session", None), "csrf", ""),
    }
    values = {**common, **context}
    if request.headers.get("hx-request") and "fragment" in page.blocks:
        html = "".join(page.blocks["fragment"](page.new_context(values)))
    else:
        html = page.render(values)
    response = HTMLResponse(html, status_code=status_code)
    if request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


def local(target: str | None) -> str:
    """Where to send the browser next: a path on this node, never another site ('//evil.example', and
    '/\\evil.example', which browsers read the same way)."""
    return target if target and target.startswith("/") and not target.startswith(("//", "/\\")) else "/"
