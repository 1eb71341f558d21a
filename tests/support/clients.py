"""Test clients that behave like production."""

from __future__ import annotations

from flask.testing import FlaskClient


class RequestContextClient(FlaskClient):
    """Each request in a new application context: its own ``g`` (language, signed-in user) and its
    own database session, bound like the test's to the one rolled-back connection.

    Without this, requests made while a test holds an application context share ``g``, so the
    language chosen by the first request sticks to all the others.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)
