"""Small XLSForm workbooks built in code for the instrument tests."""

from __future__ import annotations

import copy
import io

from openpyxl import Workbook

EN = "::English (en)"
RU = "::Русский (ru)"


def minimal_sheets() -> dict[str, list[dict]]:
    """A small valid form in English and Russian; list index i is sheet row i + 2."""
    survey = [
        {"type": "calculate", "name": "setting", "calculation": "''"},  # row 2
        {"type": "begin group", "name": "page1", "label" + EN: "Page", "label" + RU: "Страница",
         "appearance": "field-list"},  # row 3
        {"type": "select_one agree5", "name": "q1", "label" + EN: "Q one", "label" + RU: "Вопрос один",
         "proxy_label" + EN: "Q one (proxy)", "proxy_label" + RU: "Вопрос один (за другого)",
         "dimension": "access"},  # row 4
        {"type": "select_one agree5", "name": "q2", "label" + EN: "Q two", "label" + RU: "Вопрос два",
         "relevant": "${q1} >= 4", "dimension": "access", "reverse": "yes"},  # row 5
        {"type": "end group"},  # row 6
        {"type": "integer", "name": "age", "label" + EN: "Age", "label" + RU: "Возраст",
         "hint" + EN: "In years", "hint" + RU: "В годах", "constraint": ". >= 0 and . < 120",
         "constraint_message" + EN: "0 to 119", "constraint_message" + RU: "От 0 до 119"},  # row 7
        {"type": "select_one sex", "name": "sex", "label" + EN: "Sex", "label" + RU: "Пол",
         "profile": "sex", "required": "no"},  # row 8
    ]
    choices = [{"list_name": "agree5", "name": str(n), "label" + EN: f"A{n}", "label" + RU: f"С{n}"}
               for n in range(1, 6)]  # rows 2-6
    choices.append({"list_name": "agree5", "name": "na", "label" + EN: "N/A", "label" + RU: "Н/Д"})  # row 7
    choices += [
        {"list_name": "sex", "name": "female", "label" + EN: "Female", "label" + RU: "Женский"},  # row 8
        {"list_name": "sex", "name": "male", "label" + EN: "Male", "label" + RU: "Мужской"},  # row 9
        {"list_name": "sex", "name": "na", "label" + EN: "Prefer not to say",
         "label" + RU: "Предпочитаю не отвечать"},  # row 10
    ]
    settings = [{"form_title" + EN: "Mini", "form_title" + RU: "Мини", "form_id": "mini", "version": 3,
                 "default_language": "ru"}]
    dimensions = [{"name": "access", "label" + EN: "Access", "label" + RU: "Доступность"}]
    return {"survey": survey, "choices": choices, "settings": settings, "dimensions": dimensions}


# Column order used when writing (any other key is appended in order of first appearance).
_ORDER = ["type", "list_name", "name", "label", "hint", "proxy_label", "required", "relevant",
          "constraint", "constraint_message", "appearance", "calculation", "dimension", "reverse", "profile"]


def _headers(rows: list[dict]) -> list[str]:
    seen: list[str] = []
    for row in rows:
        for key in row:
            if key not in seen:
                seen.append(key)

    def rank(key: str) -> tuple[int, int]:
        base = key.split("::")[0]
        return (_ORDER.index(base) if base in _ORDER else len(_ORDER), seen.index(key))

    return sorted(seen, key=rank)


def to_xlsx(sheets: dict[str, list[dict]], headers: dict[str, list[str]] | None = None) -> bytes:
    """Write ``sheets`` (rows as dicts; ``None`` is a blank row) to XLSX bytes."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        worksheet = workbook.create_sheet(name)
        columns = (headers or {}).get(name) or _headers([row for row in rows if row])
        worksheet.append(columns)
        for row in rows:
            worksheet.append([row.get(column) for column in columns] if row else [])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def minimal_xlsx(change=None) -> bytes:
    """The minimal form, after ``change(sheets)`` has edited a deep copy of it."""
    sheets = copy.deepcopy(minimal_sheets())
    if change is not None:
        change(sheets)
    return to_xlsx(sheets)
