"""A test client that gives each request its own application context, as in production."""

from __future__ import annotations

from flask.testing import FlaskClient


class RequestContextClient(FlaskClient):
    """Each request in a new application context: its own ``g`` (language, signed-in user) and its own
    database session (bound, like the test's, to the one rolled-back connection). A streamed or file
    body is read and closed while that context is open."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            answer = super().open(*args, **kwargs)
            answer.get_data()
            answer.close()
            return answer
