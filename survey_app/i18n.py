"""Interface language: explicit choice → session → staff preference → Accept-Language → default."""

from __future__ import annotations

from urllib.parse import parse_qsl

from flask import Flask, Request, current_app, g, request, session, url_for
from flask_babel import refresh
from flask_login import current_user
from werkzeug.formparser import FormDataParser

# The language switch shows each language's name in its own script.
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "uk": "Українська", "en": "English"}


def supported(language: str | None) -> bool:
    return language in current_app.config["LANGUAGES"]


def select_locale() -> str:
    """Pick the interface language once per request and cache it on ``g``."""
    if "language" not in g:
        g.language = request_language()
    return g.language


def use_language(language: str) -> None:
    """Answer the rest of this request in ``language`` — one the request names itself (the JSON submission's
    body), or one chosen without the database when it cannot answer."""
    g.language = language
    refresh()  # Flask-Babel keeps the locale it selected first


def request_language(ask_user: bool = True) -> str:
    """The language a request asks for: ``?lang=``, then the session's, then the signed-in user's (unless
    ``ask_user`` is false: reading the user needs the database), then the browser's."""
    chosen = request.args.get("lang")
    if supported(chosen):
        if not g.get("leave_no_trace"):
            session["lang"] = chosen
        language = chosen
    elif supported(session.get("lang")):
        language = session["lang"]
    elif ask_user and getattr(current_user, "is_authenticated", False) and supported(current_user.language):
        language = current_user.language
    else:
        language = (
            request.accept_languages.best_match(current_app.config["LANGUAGES"])
            or g.get("offered_language")  # e.g. a campaign's first language
            or current_app.config["BABEL_DEFAULT_LOCALE"]
        )
    return language


def leave_no_trace() -> None:
    """This page must not write anything into the session cookie (the survey's last page)."""
    g.leave_no_trace = True


def offer_language(language: str) -> None:
    """Let a page (a campaign's survey) say which language to offer when the visitor has not chosen."""
    if supported(language) and "language" not in g and not supported(session.get("lang")):
        g.offered_language = language


def switch_url(language: str) -> str:
    """The current page in another language, keeping its other query arguments."""
    args = dict(request.args)
    args["lang"] = language
    endpoint = request.endpoint or "main.home"
    return url_for(endpoint, **(request.view_args or {}), **args)


class ReplacingFormDataParser(FormDataParser):
    """URL-encoded forms with bytes that are not UTF-8 read as U+FFFD, as multipart forms already are.

    Werkzeug decodes such a body strictly and, on one bad byte, silently drops the whole form (a
    page of answers passed as skipped), and keeps percent-encoded bad bytes as literal "%FF" text.
    With U+FFFD the form, its CSRF token and every other answer arrive, and the garbled answer gets
    a message ("could not be read") in the respondent's language.
    """

    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        items = parse_qsl(stream.read().decode("utf-8", "replace"), keep_blank_values=True, errors="replace")
        return stream, self.cls(items), self.cls()

    def _parse_multipart(self, stream, mimetype, content_length, options):
        """Parts without a name are dropped: they are no field (RFC 7578), and Werkzeug keeps them under the
        key None, on which Flask-WTF's CSRF check (``key.endswith``) fails with a server error."""
        stream, form, files = super()._parse_multipart(stream, mimetype, content_length, options)
        return (stream, self.cls(item for item in form.items(multi=True) if item[0] is not None),
                self.cls(item for item in files.items(multi=True) if item[0] is not None))


class SapaRequest(Request):
    form_data_parser_class = ReplacingFormDataParser

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        """Every file part's stream is remembered and closed with the request: Werkzeug closes only the
        files it returns, not those of a part cut short by the end of the body, nor the parts without a
        name dropped above (each would stay an open temporary file until collected)."""
        stream = super()._get_file_stream(total_content_length, content_type, filename, content_length)
        self.__dict__.setdefault("_upload_streams", []).append(stream)
        return stream

    def close(self) -> None:
        try:
            super().close()
        finally:
            for stream in self.__dict__.pop("_upload_streams", ()):
                stream.close()


def init_app(app: Flask) -> None:
    app.request_class = SapaRequest

    @app.context_processor
    def language_context():
        return {
            "current_language": select_locale(),
            "language_names": LANGUAGE_NAMES,
            "language_switch_url": switch_url,
        }
