"""(b) The staff forms under arbitrary input: never a server error, every refusal explained in the page's language.

Generated, signed in as each role (mostly those a form is for, now and then another one, or nobody): sign-in
(addresses that get throttled, accounts that lock, ``next`` links to other sites) and the password change; the
administrator's account, password and unlock forms and the list of accounts; issuing one-time codes and
printing them; importing questionnaires and their translations as workbooks (Sapa Core's export with cells,
rows and sheets changed, or any small file), publishing; paper batches, keying paper forms (two people, so
their keyings differ and wait to be resolved), resolving them and importing files of responses; the export
form and the comments, their filters and the acknowledgment of safeguarding alerts; contracts with their
documents, targets, figures, expert assessments, custom indicators, the registry's filters and the contract
import (the real template filled in); and the comparison pages, files and JSON API over a world with scores.

Values are those on offer, those just beside them, and hostile text (see ``strategies.py``); ids are real, out
of scope, missing or beyond any database integer; bodies are sent url-encoded, as multipart or by hand, with
CSRF protection off, on without a token, with a forged one and with the real one. About a quarter of the steps
send a form's plain request instead (``plainly``, ``post_plain``: a browser's body, valid values, or one field
blank), and assert the answer it must get; each test first sends its forms' plain successes and refusals once
(``send_plain_first``), and asserts that its forms answered their success and their refusals at least once
(``expect``), so a form whose success path breaks fails it whatever the examples draw.
"""

from __future__ import annotations

import base64
import csv
import io
import itertools
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from survey_app.access import SAFEGUARDING_ROLES
from survey_app.auth.passwords import MIN_PASSWORD_LENGTH
from survey_app.compare.categories import METHODS, NATIONAL
from survey_app.compare.table import COLUMN_KEYS, FILTER_NAMES
from survey_app.extensions import db as _db
from survey_app.models import (
    AdministrativeFigure,
    Campaign,
    Contract,
    ContractTarget,
    Instrument,
    InstrumentVersion,
    User,
)
from survey_app.models.base import today
from survey_app.models.monitoring import CRITERIA
from survey_app.models.users import ROLES
from tests.compare.world import build_world as build_compare_world
from tests.proof.conftest import CSRF_TOKEN, PROOF, csrf_protection, expect, recorded, run, send_plain_first
from tests.proof.strategies import (
    LANGUAGES,
    accept_languages,
    dates_as_text,
    field_names,
    file_names,
    language_values,
    long_texts,
    numbers_as_text,
    page_languages,
    path_segments,
    plain_form,
    printable,
    request_bodies,
    small_files,
    spread,
    texts,
    upload_bodies,
    workbook,
)
from tests.proof.test_submissions import SUBMISSION_REQUESTS
from tests.proof.test_survey import SURVEY_REQUESTS
from tests.proof.world import SIGN_IN_EMAIL, QuestionShape
from tests.test_access_matrix import IN, NONE, OUT, PASSWORD

# Requests each test makes at least (asserted); with the survey's and the JSON submissions' shares, at least the
# 5,000 the proof promises.
# Floors about 15 % below what each test measured (903, 402, 317, 243, 357, 305, 410 and 364 requests): the
# examples are the same on every run (``derandomize``), but any string or number added to the project's source
# moves them (such changes took tests 13–19 % lower).
STAFF_REQUESTS = {"sign_in": 770, "administration": 340, "codes": 270, "workbooks": 205, "intake": 300,
                  "exports": 260, "contracts": 350, "comparisons": 310}
PROMISED = 5000
EXAMPLES = {"sign_in": 160, "administration": 150, "codes": 125, "workbooks": 125, "intake": 130, "exports": 120,
            "contracts": 190, "comparisons": 160}
STAFF_ROLES = tuple(ROLES)
CODE_ROLES = ("admin", "monitor", "provider_manager")
INTAKE_ROLES = ("admin", "monitor", "provider_manager", "social_worker")
CONTRACT_EDITORS = ("admin", "evaluator")
CSRF_MODES = ("off",) * 6 + ("missing", "forged", "real")
# A public page with a form: its token is the session's, good for every form of that session.
TOKEN_PAGE = "/c"


# ------------------------------------------------------------------ what every test draws

def roles(*usual: str) -> st.SearchStrategy[str | None]:
    """Mostly the roles a form is for; now and then any other role, or nobody signed in."""
    return st.sampled_from(usual * 4 + STAFF_ROLES + (None,))


def ids(*known: int) -> st.SearchStrategy[int]:
    """An object's id in a path: real ones, any number, and numbers beyond a database integer."""
    return st.one_of(st.sampled_from(known), st.sampled_from(known), st.integers(0, 2**31),
                     st.sampled_from((2**31, 2**63 - 1, 2**63, 10**30)))


def one_of_these(data, known: list[int]) -> int:
    """An id among ``known``, which the examples before decided (ids they made, rows they deleted), or any number.
    Drawn the same way whatever ``known`` holds: Hypothesis needs what it draws not to depend on that state."""
    position = data.draw(st.integers(0, 15))
    other = data.draw(st.one_of(st.integers(0, 2**31), st.sampled_from((2**63 - 1, 2**63, 10**30))))
    return known[position % len(known)] if position < 12 and known else other


def choice_values(offered: tuple[str, ...]) -> st.SearchStrategy[str]:
    """A value for a list of choices: one on offer, mostly, or anything else."""
    return st.one_of(st.sampled_from(offered), st.sampled_from(offered), texts(12))


def near_dates() -> st.SearchStrategy[str]:
    """Dates a person would type (around today, ISO as the date picker sends them), and anything else."""
    return st.one_of(st.integers(-400, 400).map(lambda days: (today() + timedelta(days=days)).isoformat()),
                     dates_as_text())


def passwords() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from((PASSWORD, PASSWORD.upper(), f" {PASSWORD}", "", "x" * 201)), texts(),
                     long_texts(), st.text(min_size=MIN_PASSWORD_LENGTH, max_size=30))


@st.composite
def fields(draw, pairs: list[tuple[str, object]], known: tuple[str, ...] = ()) -> tuple[list[tuple[str, str]], bool]:
    """The form's fields (a value of None, or one left out now and then, is not sent; a list sends each of its
    values), with unknown fields added and the order shuffled now and then. Also: whether nothing was added."""
    sent = []
    for name, value in pairs:
        if value is None or draw(st.integers(0, 9)) == 0:
            continue
        sent += [(name, item) for item in value] if isinstance(value, list) else [(name, value)]
    extras = draw(st.integers(0, 5)) == 0
    if extras:
        sent += draw(st.lists(st.tuples(field_names(known or tuple(name for name, _ in pairs)), texts()),
                              min_size=1, max_size=3))
    if len(sent) > 1 and draw(st.integers(0, 4)) == 0:
        sent = draw(st.permutations(sent))
    return sent, not extras


def post(proof, data, client, url: str, pairs, *, query: dict | None = None, files=(), what: str | None = None):
    """POST the fields (and files) one way or another, CSRF protection off mostly, else on without a token,
    with a forged one or the real one. Returns the answer and whether it was a plain browser form that CSRF
    protection let through (for the tests' assertions on valid input)."""
    csrf = data.draw(st.sampled_from(CSRF_MODES), label="csrf")
    pairs = list(pairs)
    query = {"lang": data.draw(page_languages())} if query is None else query
    with csrf_protection(proof.app, csrf != "off"):
        if csrf == "real":
            found = CSRF_TOKEN.search(client.get(TOKEN_PAGE).get_data(as_text=True))
            pairs.append(("csrf_token", found.group(1)))
        elif csrf == "forged":
            pairs.append(("csrf_token", data.draw(st.one_of(texts(), st.just("IjEi.Zz.abc")))))
        body = data.draw(upload_bodies(pairs, list(files)) if files else request_bodies(pairs))
        answer = client.post(url, query_string=query, **body)
    if csrf in ("missing", "forged") and routed(proof.app, url):
        assert answer.status_code == 400, f"POST {url} without a valid CSRF token got {answer.status_code}"
    proof.count(what, answer)
    return answer, csrf in ("off", "real") and plain_form(body)


def plainly(data) -> bool:
    """Whether this step sends the plain, valid request (a quarter of them): the hostile bodies of ``post`` seldom
    reach a form's success path, and the tests assert what a valid request gets."""
    return data.draw(spread(4), label="plain") == 1  # 0, which Hypothesis favours still, is the hostile request


def post_plain(proof, data, client, url: str, pairs, *, query: dict | None = None, files=(), what: str | None = None):
    """POST the fields (and files) as a browser does: url-encoded or multipart, CSRF protection off or on with the
    real token."""
    csrf = data.draw(st.sampled_from(("off", "real")), label="csrf")
    multipart = data.draw(st.booleans()) or bool(files)
    pairs = list(pairs)
    query = {"lang": data.draw(page_languages())} if query is None else query
    with csrf_protection(proof.app, csrf == "real"):
        if csrf == "real":
            pairs.append(("csrf_token", CSRF_TOKEN.search(client.get(TOKEN_PAGE).get_data(as_text=True)).group(1)))
        body = MultiDict(pairs)
        for name, content, filename in files:
            body.add(name, (io.BytesIO(content), filename))
        answer = client.post(url, query_string=query, data=body,
                             **({"content_type": "multipart/form-data"} if multipart else {}))
    return proof.count(what, answer)


def routed(app, url: str) -> bool:
    """Whether a POST to this path reaches a view (CSRF protection is checked for those only: the rest is a 404)."""
    try:
        app.url_map.bind("localhost").match(url, method="POST")
    except HTTPException:
        return False
    return True


def get(proof, client, url: str, query: dict, what: str | None = None, language: str | None = None):
    answer = client.get(url, query_string=query, language=language)
    return proof.count(what, answer)


def reached(proof, what: str, *statuses: int) -> bool:
    return any(proof.outcomes[what, status] for status in statuses)


def on_this_site(location: str) -> bool:
    parts = urlsplit(location)
    return parts.netloc in ("", "localhost") and not parts.path.startswith("//")


# ------------------------------------------------------------------ sign-in and passwords

ADDRESSES = tuple(f"192.0.2.{number}" for number in range(1, 13))  # a few, so some get throttled
_fresh_addresses = (f"198.51.{number // 250}.{number % 250 + 1}" for number in itertools.count())


def _reset_account(user_id: int, password_hash: str | None = None) -> None:
    """Unlock an account (and give it back its password): later examples find it as the world made it."""
    values = {"failed_logins": 0, "locked_until": None, "must_change_password": False}
    if password_hash is not None:
        values["password_hash"] = password_hash
    _db.session.execute(update(User).where(User.id == user_id).values(**values))
    _db.session.commit()


def emails() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from((SIGN_IN_EMAIL, SIGN_IN_EMAIL.upper(), f" {SIGN_IN_EMAIL} ", "admin@matrix.test",
                                      "nobody@proof.test", "")), texts(), long_texts())


def next_links() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(("/staff/contracts/", "//evil.example/", "https://evil.example/",
                                      "/\\evil.example", "javascript:alert(1)", "/staff/../../etc", "\\\\evil.example",
                                      "http:/x")),
                     texts(), path_segments())


@settings(PROOF, max_examples=EXAMPLES["sign_in"])
@given(data=st.data())
@recorded
def signing_in(proof, data, changer_hash: str):
    world = proof.world
    if data.draw(st.booleans()):
        _reset_account(world.accounts["sign_in"])
    step = data.draw(st.sampled_from(("sign_in", "sign_in", "sign_in", "right", "password", "password",
                                      "throttled")))
    if step == "password":
        client = proof.client("changer", HTTP_ACCEPT_LANGUAGE=data.draw(accept_languages()))
        for _ in range(data.draw(st.integers(1, 3))):
            if data.draw(st.integers(0, 3)) == 0:
                get(proof, client, "/staff/password", {"lang": data.draw(page_languages())})
            if plainly(data):  # any new password of the allowed length, typed twice
                new = data.draw(st.text(min_size=MIN_PASSWORD_LENGTH, max_size=40).filter(PASSWORD.__ne__))
                pairs = [("current", PASSWORD), ("new", new), ("repeat", new), ("submit", "Change password")]
                answer = post_plain(proof, data, client, "/staff/password", pairs, what="password")
                assert answer.status_code == 302, f"a valid password change ({new!r}) got {answer.status_code}"
                _reset_account(world.accounts["changer"], changer_hash)
                client = proof.client("changer")
                continue
            current = data.draw(st.one_of(st.just(PASSWORD), st.just(PASSWORD), passwords()))
            new = data.draw(st.one_of(st.text(min_size=MIN_PASSWORD_LENGTH, max_size=40), passwords()))
            repeat = data.draw(st.one_of(st.just(new), st.just(new), passwords()))
            pairs, clean = data.draw(fields([("current", current), ("new", new), ("repeat", repeat),
                                             ("submit", "Change password")]))
            answer, plain = post(proof, data, client, "/staff/password", pairs, what="password")
            sent = dict(pairs)
            if plain and clean and sent.get("current") == PASSWORD and sent.get("new") == sent.get("repeat") \
                    and MIN_PASSWORD_LENGTH <= len(sent.get("new") or "") <= 200 and sent["new"] != PASSWORD:
                assert answer.status_code == 302, f"a valid password change got {answer.status_code}"
            if answer.status_code == 302:  # changed: back to the world's password, and a session that knows it
                _reset_account(world.accounts["changer"], changer_hash)
                client = proof.client("changer")
        return
    if step == "throttled":  # as many wrong passwords as a client may send, from a fresh address: then refused
        client = proof.client(REMOTE_ADDR=next(_fresh_addresses), HTTP_ACCEPT_LANGUAGE=data.draw(accept_languages()))
        pairs = [("email", data.draw(st.sampled_from((SIGN_IN_EMAIL, "nobody@proof.test")))),
                 ("password", "wrong " + data.draw(st.text(max_size=20)))]
        for _ in range(proof.app.config["SAPA_LOGIN_ATTEMPTS"]):
            answer = post_plain(proof, data, client, "/staff/login", pairs, what="sign_in")
            assert answer.status_code == 200, f"a wrong password before the limit got {answer.status_code}"
        answer = post_plain(proof, data, client, "/staff/login", pairs, what="sign_in")
        assert answer.status_code == 429 and answer.headers["Retry-After"], f"one more got {answer.status_code}"
        return
    address = next(_fresh_addresses) if step == "right" else data.draw(st.sampled_from(ADDRESSES))
    client = proof.client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=data.draw(accept_languages()))
    for _ in range(data.draw(st.integers(1, 3))):
        query = {"lang": data.draw(page_languages())}
        if data.draw(st.integers(0, 2)) == 0:
            query["next"] = data.draw(next_links())
        if step == "right":
            _reset_account(world.accounts["sign_in"])
            answer = client.post("/staff/login", query_string=query,
                                 data={"email": SIGN_IN_EMAIL, "password": PASSWORD})
            assert answer.status_code == 302, f"the right password from a fresh address got {answer.status_code}"
            get(proof, client, "/staff/", {"lang": query["lang"]})
            post(proof, data, client, "/staff/logout", data.draw(fields([("submit", "Sign out")]))[0])
            step = "sign_in"
            continue
        choice = data.draw(st.sampled_from(("form", "form", "form", "page", "sign_out")))
        if choice == "page":
            answer = get(proof, client, "/staff/login", query)
        elif choice == "sign_out":
            answer, _plain = post(proof, data, client, "/staff/logout", [])
        else:
            pairs, _clean = data.draw(fields([("email", data.draw(emails())), ("password", data.draw(passwords())),
                                              ("submit", "Sign in")]))
            answer, _plain = post(proof, data, client, "/staff/login", pairs, query=query, what="sign_in")
        if answer.status_code == 302:
            assert on_this_site(answer.headers["Location"]), f"sent to another site: {answer.headers['Location']}"


def test_sign_in_and_password_change_never_fail(proof):
    changer_hash = _db.session.get(User, proof.world.accounts["changer"]).password_hash
    run(proof, signing_in, changer_hash=changer_hash)
    proof.sent_at_least(STAFF_REQUESTS["sign_in"])
    expect(proof, ("password", 302), ("password", 200), ("sign_in", 200), ("sign_in", 429))
    assert proof.languages.checked["kk"] > 0, "no message in Kazakh was checked"


# ------------------------------------------------------------------ user administration

@st.composite
def account_fields(draw, world, new: bool) -> list[tuple[str, object]]:
    staff = world.staff
    email = draw(st.one_of(st.integers(0, 10**6).map(lambda number: f"proof.{number}@proof.test"),
                           st.sampled_from(("admin@matrix.test", "colleague.in@matrix.test", " Mixed@Proof.Test ")),
                           texts(), long_texts()))
    role = draw(st.one_of(st.sampled_from(ROLES), texts(8)))
    pairs = [
        ("email", email),
        ("full_name", draw(st.one_of(st.sampled_from(("Айгүл Серікқызы", "Ivan", " ")), texts(), long_texts()))),
        ("role", role),
        ("organisation", draw(st.one_of(st.sampled_from(staff.provider_codes), st.just(""), texts(12)))),
        ("regions", draw(st.lists(choice_values(staff.regions), max_size=3))),
        ("monitored", "\n".join(draw(st.lists(choice_values(staff.provider_codes), max_size=4)))),
        ("language", draw(st.one_of(st.sampled_from(("", *LANGUAGES)), language_values()))),
        ("active", draw(st.sampled_from(("y", "1", "", "false", None)))),
    ]
    if new:
        pairs.append(("password", draw(st.one_of(st.just(None), passwords()))))
    return pairs


_plain_accounts = (f"proof.plain.{number}@proof.test" for number in itertools.count(1))


def plain_account_step(proof, data, step: str, language: str) -> None:
    """An administrator's plain requests on an account of their own making: a new evaluator (a password generated
    and shown), one refused (no e-mail address), its name changed, a change refused (the name blank), a password
    generated for it, and the account unlocked."""
    admin, query = proof.client("admin"), {"lang": language}
    fields_of = [("full_name", "Plain Person"), ("role", "evaluator"), ("organisation", ""), ("monitored", ""),
                 ("language", ""), ("active", "y")]
    if step in ("new", "refused new"):
        email = "" if step == "refused new" else next(_plain_accounts)
        answer = post_plain(proof, data, admin, "/staff/admin/users/new", [("email", email), *fields_of], query=query,
                            what="new_user")
        if email:
            proof.state["plain_account"] = email
        assert answer.status_code in ((200, 302) if email else (422,)), f"the plain {step} got {answer.status_code}"
        return
    account = _db.session.scalar(select(User.id).where(User.email == proof.state["plain_account"]))
    if step in ("edit", "refused edit"):
        answer = post_plain(proof, data, admin, f"/staff/admin/users/{account}/", [
            ("email", proof.state["plain_account"]), ("full_name", " " if step == "refused edit" else "Plain Renamed"),
            *fields_of[1:]], query=query, what="edit_user")
        expected = 422 if step == "refused edit" else 302
    elif step == "unlock":
        answer = post_plain(proof, data, admin, f"/staff/admin/users/{account}/unlock", [], query=query, what="unlock")
        expected = 302
    else:
        answer = post_plain(proof, data, admin, f"/staff/admin/users/{account}/password", [("password", "")],
                            query=query, what="reset")
        expected = 200  # the generated password is shown once
    assert answer.status_code == expected, f"the plain {step} request got {answer.status_code}, not {expected}"


def plain_accounts(proof, data) -> None:
    for step in ("new", "refused new", "edit", "refused edit", "password", "unlock"):
        plain_account_step(proof, data, step, data.draw(page_languages()))


@settings(PROOF, max_examples=EXAMPLES["administration"])
@given(data=st.data())
@recorded
def administration(proof, data):
    world = proof.world
    accounts = world.matrix.ids["user_id"]
    user_ids = ids(accounts[IN], accounts[OUT], accounts[NONE], world.matrix.users["admin"], world.accounts["sign_in"])
    client = proof.client(data.draw(roles("admin")))
    for _ in range(data.draw(st.integers(1, 3))):
        step = data.draw(st.sampled_from(("new", "new", "edit", "edit", "password", "unlock", "list")))
        language = data.draw(page_languages())
        if step == "list":
            get(proof, client, "/staff/admin/users/", data.draw(st.fixed_dictionaries(
                {"lang": st.just(language)}, optional={"q": texts(), "role": choice_values(ROLES),
                                                       "page": numbers_as_text()})))
        elif step == "new":
            if data.draw(st.integers(0, 4)) == 0:
                get(proof, client, "/staff/admin/users/new", {"lang": language})
            pairs, _clean = data.draw(fields(data.draw(account_fields(world, new=True))))
            post(proof, data, client, "/staff/admin/users/new", pairs, what="new_user")
        elif step == "edit":
            url = f"/staff/admin/users/{data.draw(user_ids)}/"
            if data.draw(st.integers(0, 4)) == 0:
                get(proof, client, url, {"lang": language})
            pairs, _clean = data.draw(fields(data.draw(account_fields(world, new=False))))
            post(proof, data, client, url, pairs, what="edit_user")
        elif step == "password":
            pairs, _clean = data.draw(fields([("password", data.draw(passwords()))]))
            post(proof, data, client, f"/staff/admin/users/{data.draw(user_ids)}/password", pairs, what="reset")
        else:
            post(proof, data, client, f"/staff/admin/users/{data.draw(user_ids)}/unlock", [], what="unlock")


def test_user_administration_never_fails(proof):
    send_plain_first(proof, plain_accounts)
    run(proof, administration)
    proof.sent_at_least(STAFF_REQUESTS["administration"])
    expect(proof, ("new_user", 422), ("edit_user", 302), ("edit_user", 422), ("reset", 200), ("unlock", 302))
    assert reached(proof, "new_user", 200, 302)  # a password generated and shown, or the one typed
    assert proof.languages.checked["kk"] > 0, "no message in Kazakh was checked"


# ------------------------------------------------------------------ one-time codes

def plain_codes(proof, data) -> None:
    """For the participant in scope: 3 codes issued by an administrator, 0 refused; any refused to an evaluator."""
    matrix = proof.world.matrix.ids
    in_scope = f"/staff/campaigns/{matrix['campaign_both'][IN]}/providers/{matrix['provider_id'][IN]}"
    for role, count, expected in (("admin", "3", 302), ("admin", "0", 422), ("evaluator", "3", 403)):
        answer = post_plain(proof, data, proof.client(role), f"{in_scope}/codes", [
            ("count", count), ("expires_on", ""), ("submit", "Issue codes")], what="issue")
        assert answer.status_code == expected, f"{count} codes for {role} got {answer.status_code}, not {expected}"


@settings(PROOF, max_examples=EXAMPLES["codes"])
@given(data=st.data())
@recorded
def issuing_codes(proof, data):
    matrix = proof.world.matrix.ids
    role = data.draw(roles(*CODE_ROLES))
    client = proof.client(role)
    campaign = data.draw(ids(matrix["campaign_both"][IN], matrix["campaign_id"][OUT], matrix["campaign_id"][NONE]))
    provider = data.draw(ids(matrix["provider_id"][IN], matrix["provider_id"][OUT], matrix["provider_id"][NONE]))
    place = f"/staff/campaigns/{campaign}/providers/{provider}"
    for _ in range(data.draw(st.integers(1, 3))):
        step = data.draw(st.sampled_from(("issue", "issue", "issue", "campaign", "participant", "slips")))
        language = data.draw(page_languages())
        if step == "campaign":
            get(proof, client, f"/staff/campaigns/{campaign}/", data.draw(st.fixed_dictionaries(
                {"lang": st.just(language)}, optional={"q": texts(), "page": numbers_as_text()})))
        elif step == "participant":
            get(proof, client, f"{place}/", {"lang": language, "batch": data.draw(texts())})
        elif step == "slips":
            query = data.draw(st.fixed_dictionaries({"lang": st.just(language)},
                                                    optional={"batch": texts(), "issued": dates_as_text()}))
            get(proof, client, f"{place}/slips.pdf", query)
        else:
            count = data.draw(st.one_of(st.integers(1, 12).map(str), numbers_as_text()))
            expires = data.draw(st.one_of(st.just(""), near_dates()))
            pairs, clean = data.draw(fields([("count", count), ("expires_on", expires), ("submit", "Issue codes")]))
            answer, plain = post(proof, data, client, f"{place}/codes", pairs, what="issue")
            print_slips = data.draw(st.integers(0, 3)) == 0  # drawn whatever the answer (see ``one_of_these``)
            sent = dict(pairs)
            in_scope = campaign == matrix["campaign_both"][IN] and (
                provider == matrix["provider_id"][IN] or role == "admin" and provider == matrix["provider_id"][OUT])
            if plain and clean and role in CODE_ROLES and in_scope and sent.get("count", "").isascii() and \
                    sent.get("count", "").isdigit() and 1 <= int(sent["count"]) <= 500 and not sent.get("expires_on"):
                assert answer.status_code == 302, f"{count} codes for {role} got {answer.status_code}"
            if answer.status_code == 302 and "batch=" in answer.headers["Location"]:
                batch = answer.headers["Location"].split("batch=")[1].split("#")[0]
                get(proof, client, f"{place}/", {"batch": batch})
                if print_slips:
                    get(proof, client, f"{place}/slips.pdf", {"batch": batch})


def test_issuing_codes_never_fails(proof):
    send_plain_first(proof, plain_codes)
    run(proof, issuing_codes)
    proof.sent_at_least(STAFF_REQUESTS["codes"])
    expect(proof, ("issue", 302), ("issue", 422), ("issue", 403), ("issue", 404))
    assert proof.languages.checked["kk"] > 0, "no message in Kazakh was checked"


# ------------------------------------------------------------------ workbooks: questionnaires and contracts

def cell_values() -> st.SearchStrategy[object]:
    return st.one_of(texts(16), st.integers(-10, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                     st.dates(), st.none())


EDITS = ("cell", "cell", "cell", "cell", "row", "column", "append", "title", "sheet")


def workbook_edits() -> st.SearchStrategy[list[tuple]]:
    """Changes to make to a workbook: what, on which sheet, row and column (taken modulo its size), with what."""
    return st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 9), st.integers(1, 60), st.integers(1, 20),
                              cell_values(), st.lists(cell_values(), max_size=8), texts(12)), min_size=1, max_size=4)


def edited(original: bytes, edits: list[tuple]) -> bytes:
    """A real workbook (the questionnaire's export, the contracts' template) with cells, rows, columns and sheets
    changed: what a person editing it by hand could do, and worse. (The edits are drawn first and applied here, so
    what Hypothesis draws does not depend on the workbook.)"""
    book = load_workbook(io.BytesIO(original))
    for change, sheet_number, row, column, value, appended, title in edits:
        sheet = book.worksheets[sheet_number % len(book.worksheets)]
        row, column = 1 + (row - 1) % (sheet.max_row + 1), 1 + (column - 1) % (sheet.max_column + 1)
        title = "".join(letter for letter in printable(title) if letter not in "[]:*?/\\'")[:31].strip()
        if change == "cell":
            sheet.cell(row, column).value = printable(value)
        elif change == "row":
            sheet.delete_rows(row)
        elif change == "column":
            sheet.delete_cols(column)
        elif change == "append":
            sheet.append([printable(item) for item in appended])
        elif title and title.lower() not in {name.lower() for name in book.sheetnames}:
            if change == "title":
                sheet.title = title
            else:
                book.create_sheet(title)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@st.composite
def contract_rows(draw, world, header: list[str]) -> list[list[str]]:
    """Rows of a contracts file under the template's header: values that fit, mostly, else anything."""
    staff = world.staff
    kinds = {
        "number": st.one_of(st.integers(1, 10**4).map(lambda number: f"PROOF-{number}"), texts(12)),
        "title": texts(), "funder_code": choice_values(staff.funder_codes),
        "provider_code": choice_values(staff.provider_codes), "region_code": choice_values(staff.region_codes),
        "standard_code": st.one_of(st.just(""), choice_values(staff.standard_codes)),
        "starts_on": near_dates(), "ends_on": near_dates(), "budget": numbers_as_text(),
        "currency": choice_values(("KZT", "UAH", "USD", "kzt")), "contracted_recipients": numbers_as_text(),
        "services": st.lists(choice_values(staff.service_codes), max_size=3).map(", ".join),
        "documents": st.one_of(near_dates().map(lambda day: f"contract|D-1|{day}"), texts()),
    }
    other = st.one_of(numbers_as_text(), texts(8))
    return draw(st.lists(st.tuples(*(kinds.get(name, other) for name in header)).map(list), min_size=1, max_size=4))


def tables(header: list[str], rows: list[list[str]], draw) -> bytes:
    """The same table as a workbook or as CSV in one of the encodings people send."""
    if draw(st.booleans()):
        return workbook([], header, rows)
    separator = draw(st.sampled_from((",", ";", "\t")))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator).writerows([header, *rows])
    return buffer.getvalue().encode(draw(st.sampled_from(("utf-8", "utf-8-sig", "cp1251"))), "replace")


def send_back(proof, data, step: str, original: bytes, instrument: tuple[str, int]) -> None:
    """The questionnaire's (or its translations') export sent back unchanged: "already here" (a published version)."""
    code, number = instrument
    url = "/staff/instruments/import" if step == "xlsform" else f"/staff/instruments/{code}/{number}/translations"
    answer = post_plain(proof, data, proof.client("admin"), url, [("submit", "Import")],
                        files=[("workbook", original, "form.xlsx")], what=step)
    assert answer.status_code == 302, f"the {step} export sent back got {answer.status_code}"


def import_good_contracts(proof, data, header: list[str], check: bool) -> None:
    """Contract rows the import takes: checked (nothing stored) or imported."""
    rows = [importable_row(data.draw, proof.world.staff, header) for _ in range(data.draw(st.integers(1, 3)))]
    file = [("file", tables(header, rows, data.draw), "contracts.xlsx")]
    answer = post_plain(proof, data, proof.client("admin"), "/staff/contracts/import",
                        [("action", "check" if check else "commit")], files=file, what="contracts_import")
    assert answer.status_code == (200 if check else 302), f"good contract rows got {answer.status_code}"


def plain_workbooks(proof, data, originals: dict[str, bytes], contract_header: list[str],
                    instrument: tuple[str, int]) -> None:
    """Both exports sent back, a file that is no workbook as the translations, good contract rows checked."""
    send_back(proof, data, "xlsform", originals["xlsform"], instrument)
    send_back(proof, data, "translations", originals["translations"], instrument)
    code, number = instrument
    answer = post_plain(proof, data, proof.client("admin"), f"/staff/instruments/{code}/{number}/translations",
                        [("submit", "Import")], files=[("workbook", b"not a workbook", "form.xlsx")],
                        what="translations")
    assert answer.status_code == 422, f"a file that is no workbook got {answer.status_code}"
    import_good_contracts(proof, data, contract_header, check=True)


@settings(PROOF, max_examples=EXAMPLES["workbooks"])
@given(data=st.data())
@recorded
def workbooks(proof, data, originals: dict[str, bytes], contract_header: list[str], instrument: tuple[str, int]):
    world = proof.world
    code, number = instrument
    client = proof.client(data.draw(roles("admin")))
    for _ in range(data.draw(st.integers(1, 2))):
        step = data.draw(st.sampled_from(("xlsform", "xlsform", "translations", "publish", "look", "contracts",
                                          "contracts")))
        if step in ("xlsform", "translations") and plainly(data):
            send_back(proof, data, step, originals[step], instrument)
        elif step == "contracts" and plainly(data):
            import_good_contracts(proof, data, contract_header, check=data.draw(st.booleans()))
        elif step in ("xlsform", "translations"):
            content = edited(originals[step], data.draw(workbook_edits())) if data.draw(st.integers(0, 3)) \
                else data.draw(small_files())
            files = [("workbook", content, data.draw(st.one_of(st.just("form.xlsx"), file_names())))]
            pairs, _clean = data.draw(fields([("submit", "Import")]))
            if step == "xlsform":
                post(proof, data, client, "/staff/instruments/import", pairs, files=files, what="xlsform")
            else:
                version = data.draw(st.one_of(st.sampled_from((number, number, number + 1)), st.integers(0, 2**63)))
                named = data.draw(st.one_of(st.just(code), st.just(code), path_segments()))
                url = f"/staff/instruments/{named}/{version}/translations"
                post(proof, data, client, url, pairs, files=files, what="translations")
        elif step == "publish":
            version = data.draw(st.one_of(st.sampled_from((number, number + 1, number + 2)), st.integers(0, 2**63)))
            post(proof, data, client, f"/staff/instruments/{code}/{version}/publish", [], what="publish")
        elif step == "look":
            version = data.draw(st.sampled_from((number, number + 1, number + 2)))
            page = data.draw(st.sampled_from(("", "/preview")))
            get(proof, client, f"/staff/instruments/{code}/{version}{page}",
                {"lang": data.draw(page_languages()), "language": data.draw(language_values())})
        else:
            kind = data.draw(st.sampled_from(("rows", "rows", "edited", "small")))
            if kind == "rows":
                content = tables(contract_header, data.draw(contract_rows(world, contract_header)), data.draw)
            else:
                content = edited(originals["contracts"], data.draw(workbook_edits())) if kind == "edited" \
                    else data.draw(small_files(tuple(contract_header)))
            by_hand = data.draw(st.integers(0, 3)) == 0  # the dry run's file sent back with the import button
            sent_back = base64.b64encode(content).decode() if by_hand else data.draw(st.one_of(st.none(), texts()))
            pairs, _clean = data.draw(fields([
                ("content", sent_back), ("filename", data.draw(file_names())),
                ("action", data.draw(st.sampled_from(("commit", "check", ""))))]))
            name = data.draw(st.one_of(st.just("contracts.xlsx"), file_names()))
            files = [] if by_hand else [("file", content, name)]
            post(proof, data, client, "/staff/contracts/import", pairs, files=files, what="contracts_import")


_contract_numbers = (f"PROOF-IMPORT-{number}" for number in itertools.count(1))
PRINTED = st.characters(categories=("L", "N", "P", "S", "Zs"))  # what a person types in a cell


def importable_row(draw, staff, header: list[str]) -> list[str]:
    """A contract row the import takes: a number not yet used, codes the registry knows, dates in order, numbers in
    range (the other columns, such as targets, left empty)."""
    values = {
        "number": next(_contract_numbers), "title": "Imported " + draw(st.text(PRINTED, max_size=20)),
        "funder_code": draw(st.sampled_from(staff.funder_codes)),
        "provider_code": draw(st.sampled_from(staff.provider_codes)),
        "starts_on": "2026-01-01", "ends_on": draw(st.sampled_from(("2026-01-01", "2026-12-31", "2027-06-30"))),
        "budget": draw(st.sampled_from(("0", "1 500 000,50", "99999999999999"))),
        "currency": draw(st.sampled_from(("KZT", "UAH", "usd"))),
        "contracted_recipients": str(draw(st.integers(1, 2**31 - 1))),
    }
    return [values.get(name, "") for name in header]


def test_workbook_uploads_never_fail(proof):
    admin = proof.client("admin")
    # Sapa Core: a questionnaire imported the way the app imports one (the matrix's own was made in code).
    core = _db.session.scalar(select(InstrumentVersion).join(Instrument).where(
        InstrumentVersion.status == "published", Instrument.code == "sapa_core"))
    code, number = core.instrument.code, core.version
    originals = {"xlsform": admin.get(f"/staff/instruments/{code}/{number}/xlsform").data,
                 "translations": admin.get(f"/staff/instruments/{code}/{number}/translations").data,
                 "contracts": admin.get("/staff/contracts/import/template.xlsx").data}
    header = [cell.value for cell in load_workbook(io.BytesIO(originals["contracts"])).worksheets[0][1] if cell.value]
    send_plain_first(proof, plain_workbooks, originals=originals, contract_header=header, instrument=(code, number))
    run(proof, workbooks, originals=originals, contract_header=header, instrument=(code, number))
    proof.sent_at_least(STAFF_REQUESTS["workbooks"])
    expect(proof, ("xlsform", 422), ("xlsform", 302), ("translations", 302), ("translations", 422),
           ("contracts_import", 200), ("contracts_import", 422))
    assert proof.languages.checked["kk"] > 0, "no message in Kazakh was checked"


# ------------------------------------------------------------------ paper intake and imported files

def keyed_values(question: QuestionShape) -> st.SearchStrategy[str]:
    """What a person keys from a paper form: an option's code or name, a number, a text, or a slip of the hand."""
    offered = tuple(question.options) + tuple(str(number) for number in range(len(question.options) + 2))
    return st.one_of(st.sampled_from(offered or ("",)), st.just(""), numbers_as_text(), texts())


_batch_numbers = (f"PROOF-{number}" for number in itertools.count(1))
_serials = itertools.count(10_000)  # form numbers the hostile keyings (at most 600, mostly 1-4) do not use


def plain_batch(proof, data, language: str) -> int:
    """A new bundle of paper forms for the participant in scope, collected on the campaign's first day; its id."""
    matrix = proof.world.matrix.ids
    participant_campaign = _db.session.get(Campaign, matrix["campaign_both"][IN])
    pairs = [("provider", str(matrix["provider_id"][IN])), ("number", next(_batch_numbers)),
             ("collected_on", participant_campaign.starts_on.isoformat()),
             ("double_keying", data.draw(st.sampled_from(("y", ""))))]
    answer = post_plain(proof, data, proof.client(data.draw(st.sampled_from(("admin", "monitor")))),
                        "/staff/intake/batches", pairs,
                        query={"lang": language, "campaign": matrix["campaign_both"][IN]}, what="batch")
    assert answer.status_code == 302, f"a new batch got {answer.status_code}"
    return int(answer.headers["Location"].split("/batches/")[1].split("/")[0])


def plain_keying(proof, data, language: str) -> None:
    """A paper form with answers on offer, under a number not yet used."""
    keyed = [(f"q_{question.name}", data.draw(st.sampled_from(question.options)))
             for question in proof.world.staff.questions if question.options]
    url = f"/staff/intake/batches/{proof.world.matrix.ids['batch_id'][IN]}/key"
    answer = post_plain(proof, data, proof.client("admin"), url, [
        ("serial", str(next(_serials))), ("language", data.draw(st.sampled_from(LANGUAGES))), *keyed],
        query={"lang": language}, what="key")
    assert answer.status_code == 302, f"a paper form keyed got {answer.status_code}"


def plain_import(proof, data, language: str, check: bool, questions_in_it: bool = True) -> None:
    """A file of answers on offer, a new response id each: checked (nothing stored), or stored; or a file none of
    whose columns is a question (refused)."""
    matrix = proof.world.matrix.ids
    offered = [question for question in proof.world.staff.questions if question.options][:3]
    rows = [[str(uuid.UUID(int=data.draw(st.integers(0, 2**128 - 1)))), today().isoformat(),
             *(data.draw(st.sampled_from(question.options)) for question in offered)]
            for _ in range(data.draw(st.integers(1, 3)))]
    header = ["_uuid", "submitted_on", *(question.name if questions_in_it else f"colour_{question.name}"
                                          for question in offered)]
    answer = post_plain(proof, data, proof.client("admin"), "/staff/intake/import", [
        ("provider", str(matrix["provider_id"][IN])), ("language", data.draw(st.sampled_from(LANGUAGES))),
        ("action", "check" if check else "commit")], files=[("file", tables(header, rows, data.draw), "responses.csv")],
        query={"lang": language, "campaign": matrix["campaign_both"][IN]}, what="import")
    expected = (200 if check else 302) if questions_in_it else 422
    assert answer.status_code == expected, f"a file of {header} got {answer.status_code}, not {expected}"


def plain_intake(proof, data) -> None:
    language = data.draw(page_languages())
    plain_batch(proof, data, language)
    plain_keying(proof, data, language)
    plain_import(proof, data, language, check=True)
    plain_import(proof, data, language, check=True, questions_in_it=False)


@settings(PROOF, max_examples=EXAMPLES["intake"])
@given(data=st.data())
@recorded
def intake(proof, data):
    world = proof.world
    matrix = world.matrix.ids
    questions = world.staff.questions
    role = data.draw(roles(*INTAKE_ROLES))
    client = proof.client(role)
    campaign = data.draw(st.one_of(ids(matrix["campaign_both"][IN], matrix["campaign_id"][OUT]), texts(6)))
    batches = proof.state.setdefault("batches", [matrix["batch_id"][IN], matrix["batch_id"][OUT]])
    for _ in range(data.draw(st.integers(1, 3))):
        step = data.draw(st.sampled_from(("batch", "key", "key", "key", "resolve", "import", "import", "look")))
        language = data.draw(page_languages())
        batch = one_of_these(data, [*batches[-6:], matrix["batch_id"][NONE]])
        if step == "batch" and plainly(data):
            batches.append(plain_batch(proof, data, language))
        elif step == "key" and plainly(data):
            plain_keying(proof, data, language)
        elif step == "import" and plainly(data):
            plain_import(proof, data, language, check=data.draw(st.booleans()))
        elif step == "look":
            get(proof, client, data.draw(st.sampled_from(("/staff/intake/", "/staff/intake/batches",
                                                           f"/staff/intake/batches/{batch}"))),
                {"lang": language, "campaign": campaign})
        elif step == "batch":
            pairs, _clean = data.draw(fields([
                ("provider", data.draw(choice_values(tuple(str(matrix["provider_id"][key]) for key in (IN, OUT))))),
                ("number", data.draw(st.one_of(st.integers(1, 99).map(lambda number: f"P-{number}"), texts()))),
                ("collected_on", data.draw(near_dates())), ("double_keying", data.draw(st.sampled_from(("y", "")))),
            ]))
            answer, _plain = post(proof, data, client, "/staff/intake/batches", pairs,
                                  query={"lang": language, "campaign": campaign}, what="batch")
            if answer.status_code == 302 and "/batches/" in answer.headers["Location"]:
                batches.append(int(answer.headers["Location"].split("/batches/")[1].split("/")[0]))
        elif step == "key":
            if data.draw(st.integers(0, 4)) == 0:
                get(proof, client, f"/staff/intake/batches/{batch}/key",
                    {"lang": language, "language": data.draw(language_values())})
            serial = data.draw(st.one_of(st.integers(1, 4).map(str), numbers_as_text()))
            pairs, _clean = data.draw(fields(
                [("serial", serial), ("language", data.draw(choice_values(LANGUAGES)))]
                + [(f"q_{question.name}", data.draw(keyed_values(question))) for question in questions],
                known=tuple(f"q_{question.name}" for question in questions)))
            post(proof, data, client, f"/staff/intake/batches/{batch}/key", pairs, what="key")
        elif step == "resolve":
            url = f"/staff/intake/batches/{batch}/forms/{data.draw(ids(1, 2, 3, 4))}/resolve"
            if data.draw(st.booleans()):
                get(proof, client, url, {"lang": language})
            choices = [(f"choice_{question.name}", data.draw(st.one_of(
                st.sampled_from(("first", "second", "other", "")), texts(6)))) for question in questions]
            others = [(f"other_{question.name}", data.draw(keyed_values(question))) for question in questions]
            pairs, _clean = data.draw(fields(
                [*choices, *others, ("choice_language", data.draw(st.sampled_from(("first", "second", "x"))))]))
            post(proof, data, client, url, pairs, what="resolve")
        else:
            header = data.draw(st.lists(st.sampled_from(
                ("_uuid", "submitted_on", "provider_code", "language", "end", "deviceid",
                 *(question.name for question in questions), *(f"page/{question.name}" for question in questions))),
                min_size=1, max_size=8, unique=True))
            rows = data.draw(st.lists(st.lists(st.one_of(numbers_as_text(), texts(10), near_dates(),
                                                         choice_values(world.staff.provider_codes)),
                                               min_size=len(header), max_size=len(header)), max_size=4))
            content = tables(header, rows, data.draw) if data.draw(st.integers(0, 3)) else \
                data.draw(small_files(tuple(header)))
            by_hand = data.draw(st.integers(0, 3)) == 0
            pairs, _clean = data.draw(fields([
                ("provider", data.draw(choice_values(("0", *(str(matrix["provider_id"][key]) for key in (IN, OUT)))))),
                ("language", data.draw(choice_values(LANGUAGES))),
                ("content", base64.b64encode(content).decode() if by_hand else None),
                ("filename", data.draw(file_names())), ("action", data.draw(st.sampled_from(("commit", "check", "")))),
            ]))
            files = [] if by_hand else [("file", content, data.draw(st.one_of(st.just("responses.csv"), file_names())))]
            post(proof, data, client, "/staff/intake/import", pairs, query={"lang": language, "campaign": campaign},
                 files=files, what="import")


def test_paper_intake_never_fails(proof):
    send_plain_first(proof, plain_intake)
    run(proof, intake)
    proof.sent_at_least(STAFF_REQUESTS["intake"])
    expect(proof, ("batch", 302), ("batch", 422), ("key", 302), ("key", 422), ("import", 422), ("import", 200),
           ("resolve", 302))
    assert proof.languages.checked["kk"] > 0, "no message in Kazakh was checked"


# ------------------------------------------------------------------ exports and comments

EXPORT_STEPS = ("export", "export", "download", "comments", "comments", "csv", "alerts", "acknowledge")


def plain_note(proof, data, kind: int) -> None:
    """A note on an alert in scope, by someone who follows alerts up: written (0), blank (1), too long (2)."""
    note = data.draw((st.text(min_size=1, max_size=300).filter(str.strip), st.sampled_from(("", " \t")),
                      st.just("x" * 2001))[kind])
    safeguarding = proof.client(data.draw(st.sampled_from(SAFEGUARDING_ROLES)))
    answer = post_plain(proof, data, safeguarding, f"/staff/comments/alerts/{proof.world.matrix.ids['alert_id'][IN]}",
                        [("note", note)], what="acknowledge")
    assert answer.status_code == (302 if kind == 0 else 422), f"a note ({note!r}) got {answer.status_code}"


def plain_exports(proof, data) -> None:
    """The exports page, a download and the comments as CSV, by an administrator, for the campaign in scope; a note
    on an alert written, then one left blank."""
    admin, campaign = proof.client("admin"), str(proof.world.matrix.ids["campaign_id"][IN])
    for url, what in (("/staff/exports/", "export"), ("/staff/exports/download", "download"),
                      ("/staff/comments/comments.csv", "csv")):
        answer = get(proof, admin, url, {"lang": data.draw(page_languages()), "campaign": campaign}, what=what)
        assert answer.status_code == 200, f"{url} for the campaign in scope got {answer.status_code}"
    plain_note(proof, data, 0)
    plain_note(proof, data, 1)


@settings(PROOF, max_examples=EXAMPLES["exports"])
@given(data=st.data())
@recorded
def exports_and_comments(proof, data):
    world = proof.world
    matrix = world.matrix.ids
    client = proof.client(data.draw(roles("admin", "evaluator", "monitor", "provider_manager")))
    campaigns = tuple(str(matrix["campaign_id"][key]) for key in (IN, OUT, NONE))
    providers = tuple(str(matrix["provider_id"][key]) for key in (IN, OUT, NONE))
    for _ in range(data.draw(st.integers(1, 3))):
        step = EXPORT_STEPS[data.draw(spread(len(EXPORT_STEPS)))]
        language = data.draw(page_languages())
        if step in ("export", "download"):
            query = data.draw(st.fixed_dictionaries({"lang": st.just(language)}, optional={
                "campaign": choice_values(campaigns), "provider": choice_values(providers),
                "region": choice_values(world.staff.regions[:3]), "submitted_from": near_dates(),
                "submitted_to": near_dates(), "file_format": choice_values(("csv", "csv", "xlsx", "sav")),
                "labels": language_values()}))
            get(proof, client, "/staff/exports/" if step == "export" else "/staff/exports/download", query, what=step)
        elif step in ("comments", "csv"):
            query = data.draw(st.fixed_dictionaries({"lang": st.just(language)}, optional={
                "campaign": choice_values(campaigns), "provider": choice_values(providers),
                "question": choice_values(tuple(question.name for question in world.staff.questions)),
                "language": language_values(), "safeguarding": st.sampled_from(("y", "", "0")), "q": texts(),
                "page": numbers_as_text()}))
            get(proof, client, "/staff/comments/" if step == "comments" else "/staff/comments/comments.csv", query,
                what=step)
        elif step == "alerts":
            get(proof, client, "/staff/comments/alerts/", data.draw(st.fixed_dictionaries(
                {"lang": st.just(language)}, optional={"status": choice_values(("open", "acknowledged", "all")),
                                                       "page": numbers_as_text()})))
        elif plainly(data):
            plain_note(proof, data, data.draw(spread(3)))
        else:
            alert = data.draw(ids(matrix["alert_id"][IN], matrix["alert_id"][OUT], matrix["alert_id"][NONE]))
            if data.draw(st.booleans()):
                get(proof, client, f"/staff/comments/alerts/{alert}", {"lang": language})
            pairs, _clean = data.draw(fields([("note", data.draw(st.one_of(texts(), long_texts())))]))
            post(proof, data, client, f"/staff/comments/alerts/{alert}", pairs, what="acknowledge")


def test_exports_and_comments_never_fail(proof):
    send_plain_first(proof, plain_exports)
    run(proof, exports_and_comments)
    proof.sent_at_least(STAFF_REQUESTS["exports"])
    expect(proof, ("download", 200), ("export", 200), ("csv", 200), ("acknowledge", 302), ("acknowledge", 422))
    assert proof.languages.checked["kk"] > 0, "no message in Kazakh was checked"


# ------------------------------------------------------------------ contracts

@st.composite
def contract_fields(draw, world) -> list[tuple[str, object]]:
    staff = world.staff
    documents = []
    for index in draw(st.lists(st.one_of(st.integers(0, 3), st.sampled_from((29, 30, 10**6))), max_size=3,
                               unique=True)):
        documents += [(f"documents-{index}-kind", draw(choice_values(("contract", "amendment", "act")))),
                      (f"documents-{index}-number", draw(st.one_of(st.just("D-1"), texts(8)))),
                      (f"documents-{index}-dated", draw(st.one_of(st.just(""), near_dates())))]
    return [
        ("number", draw(st.one_of(st.integers(1, 10**4).map(lambda number: f"PROOF-{number}"), texts(), long_texts()))),
        ("title", draw(st.one_of(st.just("Day care"), texts(), long_texts()))),
        ("funder", draw(choice_values(staff.funders))), ("provider", draw(choice_values(staff.providers))),
        ("region", draw(choice_values(staff.regions))),
        ("standard", draw(st.one_of(st.just(""), choice_values(staff.standards)))),
        ("starts_on", draw(near_dates())), ("ends_on", draw(near_dates())),
        ("budget", draw(st.one_of(st.sampled_from(("1 500 000,50", "0", "-1", "1e14")), numbers_as_text()))),
        ("currency", draw(choice_values(("KZT", "UAH", "USD")))),
        ("contracted_recipients", draw(numbers_as_text())),
        ("services", draw(st.lists(choice_values(staff.services), max_size=3))),
        *documents,
        ("reason", draw(st.one_of(st.none(), texts(), long_texts()))),
        ("add_document", draw(st.sampled_from((None, None, None, "1")))),
        ("remove_document", draw(st.one_of(st.none(), st.none(), st.sampled_from(("0", "1", "99")), texts(4)))),
    ]


def _rows_of(contract_id: int) -> tuple[list[int], list[int]]:
    """The contract's targets and figures as they are now (examples add and delete them)."""
    _db.session.expire_all()
    targets = _db.session.scalars(select(ContractTarget.id).where(ContractTarget.contract_id == contract_id)).all()
    figures = _db.session.scalars(select(AdministrativeFigure.id).where(
        AdministrativeFigure.contract_id == contract_id)).all()
    return list(targets), list(figures)


_plain_numbers = itertools.count(1)


def _period_inside(data, contract) -> tuple:
    start = contract.starts_on + timedelta(days=data.draw(st.integers(0, 60)))
    return start, min(start + timedelta(days=data.draw(st.integers(0, 120))), contract.ends_on)


def plain_contract_step(proof, data, step: str, inside: int, targets: list[int], figures: list[int],
                        language: str, blank: bool | None = None) -> None:
    """The plain request of each form, by an editor, on the contract in scope, and what it must get: a new contract
    like it; a target or figure for a real indicator over a period inside the contract (refused only when one starts
    that day already); the deletion of a target or figure with a reason (refused without one); an expert
    assessment with every score and reasoning (refused when a reasoning is blank); a custom indicator (by an
    administrator: only they make them). ``blank``: a deletion's reason and an assessment's reasoning blank (True;
    a deletion then of a row there is), written (False), or either as drawn (None)."""
    # Custom indicators are the administrator's; the rest any editor's.
    client = proof.client(data.draw(st.sampled_from(("admin",) if step == "indicator" else CONTRACT_EDITORS)))
    staff = proof.world.staff
    contract = _db.session.get(Contract, inside)
    base = f"/staff/contracts/{inside}"
    query = {"lang": language}
    if step == "contract":
        pairs = [("number", f"PROOF-PLAIN-{next(_plain_numbers)}"), ("title", "Day care"),
                 ("funder", str(contract.funder_id)), ("provider", str(contract.provider_id)),
                 ("region", str(contract.region_id)), ("starts_on", "2026-01-01"), ("ends_on", "2026-12-31"),
                 ("budget", data.draw(st.sampled_from(("0", "1 500 000,50")))), ("currency", "KZT"),
                 ("contracted_recipients", str(data.draw(st.integers(1, 2**31 - 1)))),
                 ("documents-0-kind", "contract"), ("documents-0-number", "D-1"), ("documents-0-dated", "2026-01-01")]
        answer = post_plain(proof, data, client, "/staff/contracts/new", pairs, query=query, what="contract")
        expected = 302
    elif step in ("target", "figure"):
        start, end = _period_inside(data, contract)
        if step == "target":
            indicator = data.draw(st.sampled_from(staff.indicators))
            model, values = ContractTarget, [("baseline", data.draw(st.sampled_from(("", "40", "55,5")))),
                                             ("target", str(data.draw(st.integers(0, 100))))]
        else:
            indicator = data.draw(st.sampled_from(staff.hand_indicators))
            model, values = AdministrativeFigure, [("value", data.draw(st.sampled_from(("0", "3,5", "12"))))]
        taken = _db.session.scalar(select(model.id).where(
            model.contract_id == inside, model.indicator_id == int(indicator), model.period_start == start))
        answer = post_plain(proof, data, client, f"{base}/{step}s/new", [
            ("indicator", indicator), ("period_start", start.isoformat()), ("period_end", end.isoformat()), *values],
            query=query, what=step)
        expected = 422 if taken else 302
    elif step == "delete":
        kind, rows = data.draw(st.sampled_from((("targets", targets), ("figures", figures))))
        if blank:
            kind, rows = ("targets", targets) if targets else ("figures", figures)
        position = data.draw(st.integers(0, 15))
        reasons = (st.text(min_size=1, max_size=100), st.sampled_from(("", " ", "\t\r\n")), st.just("x" * 2001))
        reason = " " if blank else "Entered twice." if blank is False else data.draw(reasons[data.draw(spread(3))])
        row = rows[position % len(rows)] if rows else 987654
        answer = post_plain(proof, data, client, f"{base}/{kind}/{row}/delete", [("reason", reason)], query=query,
                            what="delete")
        expected = 404 if not rows else 302 if reason.strip() and len(reason.strip()) <= 2000 else 422
    elif step == "assessment":
        unreasoned = data.draw(st.sampled_from(CRITERIA)) if blank or blank is None and data.draw(
            st.integers(0, 2)) == 2 else None
        pairs = [pair for criterion in CRITERIA for pair in (
            (f"{criterion}_score", str(data.draw(st.integers(0, 5)))),
            (f"{criterion}_reasoning", " " if criterion == unreasoned else "Seen on a visit."))]
        answer = post_plain(proof, data, client, f"{base}/assessment", [*pairs, ("reason", "Visited again.")],
                            query=query, what="assessment")
        expected = 422 if unreasoned else 302
    else:
        items = data.draw(st.lists(st.sampled_from(staff.items), min_size=1, max_size=3, unique=True))
        pairs = [("code", f"proof_plain_{next(_plain_numbers)}"), ("kind", "item_top2"),
                 *(("items", item) for item in items), ("direction", "higher")]
        pairs += [pair for code in LANGUAGES for pair in ((f"name_{code}", f"Name {code}"),
                                                          (f"method_{code}", f"Method {code}"))]
        answer = post_plain(proof, data, client, "/staff/contracts/indicators/new", pairs, query=query,
                            what="indicator")
        expected = 302
    assert answer.status_code == expected, f"the plain {step} request got {answer.status_code}, not {expected}"


def periods() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(("all", "2026", "2026-Q1", "2026-01-01_2026-12-31")), texts(12))


CONTRACT_STEPS = ("contract", "contract", "target", "target", "figure", "figure", "delete", "delete", "assessment",
                  "indicator", "list", "look")
# The plain requests sent before the examples (``send_plain_first``): each form, and whether its reason is blank.
PLAIN_FIRST = (("contract", False), ("target", False), ("figure", False), ("delete", True), ("delete", False),
               ("assessment", True), ("assessment", False), ("indicator", False))


def plain_contracts(proof, data) -> None:
    """Each form's plain request on the contract in scope, valid, then (for those with a reason or reasoning) blank."""
    inside = proof.world.matrix.ids["contract_id"][IN]
    for step, blank in PLAIN_FIRST:
        targets, figures = _rows_of(inside)
        plain_contract_step(proof, data, step, inside, targets, figures, data.draw(page_languages()), blank=blank)


@settings(PROOF, max_examples=EXAMPLES["contracts"])
@given(data=st.data())
@recorded
def contract_forms(proof, data):
    world = proof.world
    matrix = world.matrix.ids
    staff = world.staff
    client = proof.client(data.draw(roles(*CONTRACT_EDITORS)))
    inside, outside = matrix["contract_id"][IN], matrix["contract_id"][OUT]
    contract = data.draw(ids(inside, outside, matrix["contract_id"][NONE]))
    targets, figures = _rows_of(inside)
    for _ in range(data.draw(st.integers(1, 3))):
        step = CONTRACT_STEPS[data.draw(spread(len(CONTRACT_STEPS)))]
        language = data.draw(page_languages())
        base = f"/staff/contracts/{contract}"
        if step not in ("list", "look") and plainly(data):
            plain_contract_step(proof, data, step, inside, targets, figures, language)
            targets, figures = _rows_of(inside)
        elif step == "list":
            query = data.draw(st.fixed_dictionaries({"lang": st.just(language)}, optional={
                "funder": choice_values(staff.funder_codes), "region": choice_values(staff.region_codes),
                "provider": choice_values(staff.providers), "year": choice_values(("2025", "2026", "2027")),
                "page": numbers_as_text(), "measure": choice_values(("satisfaction", "composite", "coverage"))}))
            get(proof, client, data.draw(st.sampled_from(("/staff/contracts/", "/staff/contracts/portfolio"))), query)
        elif step == "look":
            query = {"lang": language, "period": data.draw(periods())}
            page = data.draw(st.sampled_from(("", "", "", "/report.xlsx", "/assessment", "/targets/new")))
            get(proof, client, base + page, query)
        elif step == "contract":
            url = data.draw(st.sampled_from(("/staff/contracts/new", f"{base}/edit")))
            pairs, _clean = data.draw(fields(data.draw(contract_fields(world))))
            post(proof, data, client, url, pairs, what="contract")
        elif step == "target":
            target = one_of_these(data, [*targets, matrix["target_id"][OUT], matrix["target_id"][NONE]])
            url = data.draw(st.sampled_from((f"{base}/targets/new", f"{base}/targets/{target}")))
            pairs, _clean = data.draw(fields([
                ("indicator", data.draw(choice_values(staff.indicators))), ("period_start", data.draw(near_dates())),
                ("period_end", data.draw(near_dates())), ("baseline", data.draw(numbers_as_text())),
                ("target", data.draw(numbers_as_text())), ("reason", data.draw(st.one_of(st.none(), texts())))]))
            post(proof, data, client, url, pairs, query={"lang": language, "period": data.draw(periods())},
                 what="target")
        elif step == "figure":
            figure = one_of_these(data, [*figures, matrix["figure_id"][OUT]])
            url = data.draw(st.sampled_from((f"{base}/figures/new", f"{base}/figures/{figure}")))
            pairs, _clean = data.draw(fields([
                ("indicator", data.draw(choice_values(staff.hand_indicators))),
                ("period_start", data.draw(near_dates())), ("period_end", data.draw(near_dates())),
                ("value", data.draw(numbers_as_text())), ("reason", data.draw(st.one_of(st.none(), texts())))]))
            post(proof, data, client, url, pairs, query={"lang": language, "indicator": data.draw(texts(4))},
                 what="figure")
        elif step == "delete":
            kind, rows = data.draw(st.sampled_from((("targets", targets), ("figures", figures))))
            row = one_of_these(data, [*rows, matrix["figure_id"][NONE]])
            pairs, _clean = data.draw(fields([("reason", data.draw(st.one_of(texts(), long_texts())))]))
            post(proof, data, client, f"{base}/{kind}/{row}/delete", pairs, what="delete")
            targets, figures = _rows_of(inside)
        elif step == "assessment":
            pairs = []
            for criterion in CRITERIA:
                pairs += [(f"{criterion}_score", data.draw(st.one_of(st.integers(0, 5).map(str), numbers_as_text()))),
                          (f"{criterion}_reasoning", data.draw(st.one_of(st.just("Seen on a visit."), texts(),
                                                                         long_texts())))]
            pairs, _clean = data.draw(fields([*pairs, ("reason", data.draw(st.one_of(st.none(), texts())))]))
            post(proof, data, client, f"{base}/assessment", pairs,
                 query={"lang": language, "period": data.draw(periods())}, what="assessment")
        else:
            pairs = [("code", data.draw(st.one_of(st.integers(0, 10**4).map(lambda number: f"proof_{number}"),
                                                  texts(12)))),
                     ("kind", data.draw(choice_values(("item_top2", "item_mean", "administrative")))),
                     ("items", data.draw(st.lists(choice_values(staff.items), max_size=3))),
                     ("unit", data.draw(choice_values(("per_100", "percent", "count")))),
                     ("direction", data.draw(choice_values(("higher", "lower"))))]
            for code in LANGUAGES:
                pairs += [(f"name_{code}", data.draw(st.one_of(st.just(f"Name {code}"), texts(), long_texts()))),
                          (f"method_{code}", data.draw(st.one_of(st.just(f"Method {code}"), texts())))]
            pairs, _clean = data.draw(fields(pairs))
            post(proof, data, client, "/staff/contracts/indicators/new", pairs, what="indicator")


def test_contract_forms_never_fail(proof):
    send_plain_first(proof, plain_contracts)
    run(proof, contract_forms)
    proof.sent_at_least(STAFF_REQUESTS["contracts"])
    expect(proof, *((what, 422) for what in ("contract", "target", "figure", "assessment", "indicator", "delete")),
           *((what, 302) for what in ("contract", "target", "figure", "assessment", "indicator", "delete")))
    assert proof.languages.checked["kk"] > 0, "no message in Kazakh was checked"


# ------------------------------------------------------------------ comparisons and the API

COMPARE_ROLES = ("admin", "evaluator", "monitor", "manager", "worker")


def plain_comparisons(proof, data, world) -> None:
    """The comparison table, the categories page and the providers in the API, by an evaluator, in Kazakh; the API
    without signing in."""
    evaluator = proof.client(cookie=world.cookies["evaluator"], HTTP_ACCEPT_LANGUAGE="kk")
    for url, what, expected in (("/staff/providers", "table", 200), ("/staff/categories", "categories", 200),
                                ("/api/v1/providers", "api", 200)):
        answer = get(proof, evaluator, url, {"lang": "kk"}, what=what, language="kk" if what == "api" else None)
        assert answer.status_code == expected, f"{url} got {answer.status_code}, not {expected}"
    answer = get(proof, proof.client(HTTP_ACCEPT_LANGUAGE="ru"), "/api/v1/providers", {"lang": "ru"}, what="api",
                 language="ru")
    assert answer.status_code == 401, f"the API without signing in got {answer.status_code}"


@settings(PROOF, max_examples=EXAMPLES["comparisons"])
@given(data=st.data())
@recorded
def comparisons(proof, data, world):
    role = data.draw(st.sampled_from(COMPARE_ROLES * 3 + (None,)))
    client = proof.client(cookie=world.cookies.get(role), HTTP_ACCEPT_LANGUAGE=data.draw(accept_languages()))
    campaigns = tuple(str(campaign.id) for campaign in world.campaigns) + ("987654",)
    providers = tuple(str(provider.id) for provider in world.providers)
    regions = tuple(sorted({(provider.region.parent or provider.region).code for provider in world.providers}))
    for _ in range(data.draw(st.integers(1, 4))):
        language = data.draw(st.one_of(st.sampled_from(LANGUAGES), language_values()))
        query = {"lang": language, **data.draw(st.fixed_dictionaries({}, optional={
            "campaign": choice_values(campaigns), "region": choice_values(regions),
            "setting": choice_values(("residential", "day_care", "home_based")),
            "org_form": choice_values(("state", "ngo", "private")), "funder": choice_values((world.funder.code,)),
            "service_type": texts(8), "standard": texts(8), "q": texts(), "sort": choice_values(COLUMN_KEYS),
            "order": choice_values(("asc", "desc")), "page": numbers_as_text(), "per_page": numbers_as_text(),
            "measure": choice_values(("composite", "satisfaction", "nps", "dimension:access", "dimension:x")),
            "area": choice_values((NATIONAL, *regions, *FILTER_NAMES)), "method": choice_values(tuple(METHODS)),
            "category": texts(8), "wave": choice_values(campaigns)}))}
        step = data.draw(st.sampled_from(("table", "table", "file", "categories", "api", "api", "api", "provider")))
        if step == "table":
            get(proof, client, "/staff/providers", query, what="table")
        elif step == "file":
            get(proof, client, f"/staff/providers.{data.draw(st.sampled_from(('csv', 'xlsx')))}", query)
        elif step == "categories":
            get(proof, client, "/staff/categories", query, what="categories")
        elif step == "provider":
            provider = data.draw(ids(*map(int, providers)))
            get(proof, client, data.draw(st.sampled_from((f"/staff/providers/{provider}", "/staff/"))), query)
        else:
            provider = data.draw(ids(*map(int, providers)))
            path = data.draw(st.sampled_from(("/api/v1/campaigns", "/api/v1/providers", "/api/v1/providers",
                                              f"/api/v1/providers/{provider}", "/api/v1/groups", "/api/v1/nothing")))
            # The API answers in the language asked for; anything else is the session's or the browser's.
            get(proof, client, path, query, what="api", language=language if language in LANGUAGES else None)


def test_comparisons_and_the_api_never_fail(proof):
    world = build_compare_world(_db, proof.app)
    send_plain_first(proof, plain_comparisons, world=world)
    run(proof, comparisons, world=world)
    proof.sent_at_least(STAFF_REQUESTS["comparisons"])
    expect(proof, ("table", 200), ("table", 404), ("categories", 200), ("api", 200), ("api", 400), ("api", 401),
           ("api", 403), ("api", 404))
    assert proof.languages.checked["kk"] > 0, "no message in Kazakh was checked"


def test_the_proof_sends_at_least_the_promised_requests():
    """Each test asserts its own share; together they make the promise (a share lowered below it fails here)."""
    assert sum(SURVEY_REQUESTS.values()) + SUBMISSION_REQUESTS + sum(STAFF_REQUESTS.values()) >= PROMISED
