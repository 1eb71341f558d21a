"""Draft translations of the wording printed on posters and slips, compiled into a throwaway catalogue.

The real catalogues in ``translations/`` are the translators'. These drafts let the tests (and a
local demo) show that a poster carries every language whatever the interface language; translators
may take them as a starting point.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

DRAFTS = {
    "Tell us how well you are served": {
        "kk": "Сізге қаншалықты жақсы қызмет көрсетілетінін айтыңыз",
        "ru": "Расскажите, насколько хорошо вас обслуживают",
        "uk": "Розкажіть, наскільки добре вас обслуговують",
    },
    "Anonymous, about 10 minutes. Your services never depend on your answers.": {
        "kk": "Анонимді, шамамен 10 минут. Сізге көрсетілетін қызметтер жауаптарыңызға ешқашан тәуелді емес.",
        "ru": "Анонимно, около 10 минут. Ваши услуги никогда не зависят от ваших ответов.",
        "uk": "Анонімно, близько 10 хвилин. Ваші послуги ніколи не залежать від ваших відповідей.",
    },
    "Or type the code from your slip at %(address)s": {
        "kk": "Немесе талондағы кодты мына мекенжайда енгізіңіз: %(address)s",
        "ru": "Или введите код с талона на сайте %(address)s",
        "uk": "Або введіть код із талона на сайті %(address)s",
    },
    "Anonymous survey about your services. Enter the code at:": {
        "kk": "Қызметтер туралы анонимді сауалнама. Кодты мына жерде енгізіңіз:",
        "ru": "Анонимный опрос о ваших услугах. Введите код на сайте:",
        "uk": "Анонімне опитування про ваші послуги. Введіть код на сайті:",
    },
}


def compile_drafts(directory: Path) -> Path:
    """Write ``<directory>/<lang>/LC_MESSAGES/messages.mo`` for kk, ru and uk; return ``directory``."""
    for language in ("kk", "ru", "uk"):
        catalog = Catalog(locale=language)
        for message, texts in DRAFTS.items():
            catalog.add(message, texts[language], flags=("python-format",) if "%(" in message else ())
        folder = directory / language / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / "messages.mo", "wb") as mo_file:
            write_mo(mo_file, catalog)
    return directory
