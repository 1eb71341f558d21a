"""Reading exports back in tests."""

from __future__ import annotations

import csv
import io

from werkzeug.test import TestResponse


def export_url(world, file_format: str = "csv", **filters) -> str:
    arguments = {"campaign": world.campaign.id, "file_format": file_format, "labels": "en", **filters}
    return "/staff/exports/download?" + "&".join(f"{key}={value}" for key, value in arguments.items())


def csv_rows(response: TestResponse) -> list[dict[str, str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 byte-order mark for Excel"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def provider_codes(rows: list[dict[str, str]]) -> set[str]:
    return {row["provider_code"] for row in rows}
