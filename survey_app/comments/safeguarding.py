"""Words in a comment that may reveal abuse, neglect or danger: the safeguarding word list (pure).

A comment that matches raises a safeguarding alert for the provider's monitors
(``survey_app.comments.alerts``). The list errs towards alerting: a monitor acknowledges a false
alarm in a minute, while a missed one may leave someone in danger. It is therefore not a
classifier; it looks for words, in Kazakh, Russian, Ukrainian and English, whatever the language
the questionnaire was answered in (people mix languages).

Each entry is a regular expression for whole words, matched case-insensitively after
:func:`normalise` (``ё`` → ``е``, every apostrophe → ``'``). A plain word matches that word only;
``\\w*`` lets any ending follow (``угрож\\w*``: угрожает, угрожали …); ``\\s+`` joins the words of a
phrase (``крич\\w*\\s+на``: "кричит на"). Endings are listed where a bare stem would also catch
ordinary words: ``страх(?:а|е|ом|у)?`` finds "страха" but not "страховка" (insurance),
``ұр(?:ды|ады|ған|ып…)`` finds "ұрды" (hit) but not "ұрпақ" (descendants), "бил[аио]?" not "билет".

A few phrases are not alarms: the questionnaire asks whether recipients "can complain without
fear" and "feel safe", so "без страха", "не боюсь", "without fear" … are removed before matching
(``NOT_ALARMS``). Other negations ("никто не бьёт") still alert: they are rare, and a monitor
can tell.

Configuration (``survey_app.comments.alerts.word_list`` reads it):

- ``SAPA_SAFEGUARDING_WORDS``: a mapping ``{concept: [pattern, …]}`` or
  ``{concept: {language: [pattern, …]}}`` that extends the defaults (a new concept, or more words
  for an existing one);
- ``SAPA_SAFEGUARDING_WORDS_FILE``: a path to a UTF-8 file with more entries, either JSON of the
  same shape or lines ``concept: pattern`` (``#`` starts a comment);
- ``SAPA_SAFEGUARDING_DEFAULTS = False``: use only the configured words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

# concept -> language -> patterns. Concepts are stored with an alert (its matched terms).
DEFAULT_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "violence": {
        "ru": (r"насили\w*", r"насильн\w*"),
        "uk": (r"насильств\w*", r"насилл\w*", r"насильн\w*"),
        "kk": (r"зорлық\w*", r"зомбылық\w*"),
        "en": (r"violen\w*", r"assault\w*"),
    },
    "beating": {
        "ru": (r"бь(?:ет|ют|ешь|ем)", r"бить", r"бил[аио]?", r"избил\w*", r"избива\w*", r"избиени\w*", r"побил\w*",
               r"побо(?:и|ев|ями)", r"ударил\w*", r"ударя(?:ет|ют|л|ла|ли)", r"толкнул\w*", r"пина(?:ет|ют|л|ла|ли)",
               r"пощечин\w*", r"таска\w*\s+за\s+волос\w*"),
        "uk": (r"б'(?:є|ють|ємо|ю)", r"бити", r"бив", r"били", r"била", r"побил\w*", r"побив\w*", r"побитт\w*",
               r"побо(?:ї|їв|ями)", r"вдари(?:в|ла|ли|ть)", r"удари(?:в|ла|ли)", r"штовха\w*", r"штовхну\w*",
               r"ляпас\w*"),
        "kk": (r"ұр(?:ды|ады|ған|ып|у|амын|айды|атын|ыпты|ғаны)\w*", r"соқты\w*", r"соғады", r"соққы\w*",
               r"тепкіле\w*"),
        "en": (r"beat(?:s|en|ing)?", r"hit(?:s|ting)?", r"slap\w*", r"punch(?:ed|es|ing)?", r"kick(?:s|ed|ing)?",
               r"(?:push|shov)(?:e|es|ed|ing)?\s+(?:me|him|her|us|them)", r"hurt\s+(?:me|him|her|us|them)"),
    },
    "threats": {
        "ru": (r"угрож\w*", r"угроз\w*", r"убь(?:ю|ют|ет|ем)", r"убить", r"убил\w*"),
        "uk": (r"погрож\w*", r"погроз\w*", r"загрожу\w*", r"[ву]б'ю", r"вбити", r"вбив\w*"),
        "kk": (r"қорқыт\w*", r"қоқан-лоқы\w*", r"өлтір\w*"),
        "en": (r"threat\w*", r"intimidat\w*", r"kill(?:s|ed|ing)?"),
    },
    "abuse": {
        "ru": (r"издева\w*", r"униж\w*", r"оскорбля\w*", r"оскорбил\w*", r"жесток\w*"),
        "uk": (r"знуща\w*", r"принижу\w*", r"принизи\w*", r"ображаю\w*", r"жорсток\w*"),
        "kk": (r"қорла\w*", r"зәбір\w*", r"мазақта\w*", r"жәбірле\w*"),
        "en": (r"abus\w*", r"humiliat\w*", r"mistreat\w*", r"cruel\w*", r"bull(?:y|ies|ied|ying)"),
    },
    "shouting": {
        "ru": (r"крич\w*\s+на", r"накрич\w*", r"ор(?:ет|ут|ал|ала|али)\s+на", r"наорал\w*", r"матом",
               r"матер(?:ят|ит|ится|ятся|ился|илась|ились)"),
        "uk": (r"крич\w*\s+на", r"накрич\w*", r"ла(?:ється|ються|яла|яв|яли)", r"матюка\w*"),
        "kk": (r"айқайла\w*", r"ұрса(?:ды|сады|ып|атын)\w*", r"боқта\w*", r"балағатта\w*"),
        "en": (r"shout\w*\s+at", r"yell\w*\s+at", r"scream\w*\s+at", r"swear\w*\s+at"),
    },
    "sexual": {
        "ru": (r"изнасил\w*", r"сексуальн\w*", r"домога\w*", r"приста(?:ет|ют|вал|вала|вали)", r"развратн\w*",
               r"лапа(?:ет|ют|л|ла|ли)"),
        "uk": (r"зґвалт\w*", r"згвалт\w*", r"сексуальн\w*", r"розбещ\w*", r"чіпля(?:вся|ється|ються|лися)",
               r"лапа(?:є|ють|в|ла|ли)"),
        "kk": (r"зорла\w*", r"жыныстық", r"сексуал\w*"),
        "en": (r"rap(?:e|ed|es|ing|ist)", r"sexual\w*", r"molest\w*", r"grop(?:e|ed|es|ing)", r"indecent\w*"),
    },
    "fear": {
        "ru": (r"страшно", r"страх(?:а|е|ом|у)?", r"бою(?:сь|тся)", r"боимся", r"боится", r"боятся",
               r"боял(?:ся|ась|ись)", r"запуган\w*", r"запугива\w*"),
        "uk": (r"страшно", r"страх(?:у|ом)?", r"бою(?:ся|сь)", r"боїмо(?:ся|сь)", r"боїть(?:ся|сь)", r"бояться",
               r"боя(?:вся|лася|лись|лися)", r"заляку\w*", r"заляка\w*"),
        "kk": (r"қорқ\w*",),
        "en": (r"afraid", r"scared", r"frighten\w*", r"terrified", r"fear(?:s|ful|ed)?"),
    },
    "confinement": {
        "ru": (r"запер(?:ли|ла|ты|та|т)?", r"запира(?:ют|ет|ли|л|ла)", r"взаперти", r"не\s+выпуска\w*",
               r"привязыва\w*", r"привязал\w*"),
        "uk": (r"замкн(?:ули|ула|ув|ений|ена|ені)", r"замика(?:ють|є|ли|в|ла)", r"не\s+випуска\w*",
               r"прив'язу\w*", r"прив'яза(?:ли|в|ла)"),
        "kk": (r"қама(?:п|ды|йды|лды|лған|лып|ған)", r"құлыптап\w*", r"жауып\s+қой\w*", r"байла(?:п|йды|ды)"),
        "en": (r"locked\s+up", r"lock(?:s|ed|ing)?\s+(?:me|us|them|him|her)\s+(?:up|in)",
               r"(?:i|we|they|he|she)\s+(?:was|were|are|am|is|get|got)\s+locked\s+in", r"tied\s+(?:up|down|to)"),
    },
    "hunger": {
        "ru": (r"голод\w*", r"не\s+корм(?:ят|ит|или)", r"морят\w*"),
        "uk": (r"голод\w*", r"не\s+году(?:ють|є|вали)"),
        "kk": (r"аш\s+(?:қал\w*|жүр\w*|отыр\w*)", r"аштық\w*", r"тамақ\s+бермей\w*"),
        "en": (r"hungry", r"hunger", r"starv\w*", r"not\s+fed", r"no\s+food"),
    },
    "injury": {
        "ru": (r"синяк\w*", r"ссадин\w*"),
        "uk": (r"синц\w*", r"синяк\w*", r"садн\w*"),
        "kk": (r"көгер\w*", r"көкала\w*"),
        "en": (r"bruis\w*", r"black\s+eye"),
    },
    "theft": {
        "ru": (r"укра(?:л|ла|ли|ло|дут|дет|сть)", r"вор(?:ы|ов|а|ует|уют|ую|овать|овал\w*|овств\w*)?",
               r"краж\w*", r"крад(?:ут|ет)", r"(?:отбира|забира|отобра|забра)\w*\s+(?:деньги|пенси\w*|карт\w*)",
               r"вымога\w*"),
        "uk": (r"[ву]кра(?:в|ла|ли|ло|дуть|де|сти)", r"крад(?:уть|е)", r"краді\w*",
               r"(?:відбира|забира|відібра|забра)\w*\s+(?:гроші|пенсі\w*|картк\w*)", r"вимага\w*\s+гроші"),
        "kk": (r"ұрла\w*", r"ұрлық\w*", r"(?:ақша\w*|зейнетақ\w*)\s+(?:тартып|алып\s+қо\w*)"),
        "en": (r"stol(?:e|en)", r"steal\w*", r"theft", r"(?:took|take|takes|taking)\s+(?:my|our|his|her|their)\s+"
               r"(?:money|pension|card)"),
    },
    "neglect": {
        "ru": (r"пролежн\w*", r"не\s+меня(?:ют|ли)\s+(?:памперс\w*|подгузник\w*|бель\w*)"),
        "uk": (r"пролежн\w*", r"не\s+міня(?:ють|ли)\s+(?:памперс\w*|підгузк\w*|біл\w*)"),
        "kk": (r"ойық\s+жара\w*",),
        "en": (r"neglect\w*", r"bedsore\w*", r"pressure\s+sore\w*"),
    },
}

# Phrases that are not alarms (the questionnaire's own words about fear and safety), removed first.
NOT_ALARMS: tuple[str, ...] = (
    r"без\s+страх(?:а|у)", r"не\s+страшно", r"не\s+бою(?:сь|ся)", r"не\s+боимся", r"не\s+боїмося",
    r"никого\s+не\s+боюсь", r"нічого\s+не\s+боюся", r"қорқынышсыз\w*", r"қорықпай\w*",
    r"without\s+(?:any\s+)?fear", r"not\s+afraid", r"no\s+fear", r"never\s+afraid",
)

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "ʹ": "'", "‘": "'", "ё": "е"})


def normalise(text: str) -> str:
    """Lower case (Unicode case folding), ``ё`` as ``е``, every apostrophe as ``'``."""
    return text.casefold().translate(_APOSTROPHES)


def _whole_words(patterns: Iterable[str]) -> re.Pattern:
    return re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in patterns) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class WordList:
    """The compiled list: one expression per concept."""

    concepts: tuple[tuple[str, re.Pattern], ...]
    not_alarms: re.Pattern

    def matches(self, text: str | None) -> list[str]:
        """The concepts ``text`` mentions, in the list's order (empty: no alert)."""
        if not text or not text.strip():
            return []
        normalised = self.not_alarms.sub(" ", normalise(text))
        return [concept for concept, pattern in self.concepts if pattern.search(normalised)]


def _as_languages(value) -> dict[str, list[str]]:
    """``[pattern, …]`` (any language) or ``{language: [pattern, …]}``."""
    if isinstance(value, str):
        return {"any": [value]}
    if isinstance(value, Mapping):
        return {str(language): [value[language]] if isinstance(value[language], str) else list(value[language])
                for language in value}
    return {"any": list(value)}


def read_word_file(path: str | Path) -> dict[str, dict[str, list[str]]]:
    """Entries from a file: JSON like ``SAPA_SAFEGUARDING_WORDS``, or lines ``concept: pattern``."""
    text = Path(path).read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):
        return {concept: _as_languages(value) for concept, value in json.loads(text).items()}
    words: dict[str, dict[str, list[str]]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        concept, separator, pattern = line.partition(":")
        if not separator or not concept.strip() or not pattern.strip():
            raise ValueError(f"{path}, line {number}: write “concept: word or pattern”.")
        words.setdefault(concept.strip(), {}).setdefault("any", []).append(pattern.strip())
    return words


def build_word_list(extra: Mapping | None = None, files: Iterable[str | Path] = (),
                    defaults: bool = True) -> WordList:
    """The defaults (unless ``defaults`` is false) extended by ``extra`` and the entries of ``files``.

    Raises ``ValueError`` naming the concept when a pattern is not a valid regular expression.
    """
    merged: dict[str, list[str]] = {}
    if defaults:
        for concept, languages in DEFAULT_WORDS.items():
            merged[concept] = [pattern for patterns in languages.values() for pattern in patterns]
    sources = [{concept: _as_languages(value) for concept, value in (extra or {}).items()}]
    sources += [read_word_file(path) for path in files]
    for source in sources:
        for concept, languages in source.items():
            merged.setdefault(concept, []).extend(
                pattern.translate(_APOSTROPHES) for patterns in languages.values() for pattern in patterns)
    compiled = []
    for concept, patterns in merged.items():
        if not patterns:
            continue
        try:
            compiled.append((concept, _whole_words(patterns)))
        except re.error as error:
            raise ValueError(f"Safeguarding words for “{concept}”: {error}") from None
    return WordList(tuple(compiled), _whole_words(NOT_ALARMS))
