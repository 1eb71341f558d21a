"""Safeguarding alerts are raised with the response (web, paper) and by ``flask scan-comments``, once."""

from __future__ import annotations

from datetime import time

from sqlalchemy import func, select

from survey_app.comments.alerts import raise_safeguarding_alerts, scan_comments
from survey_app.config import Config
from survey_app.extensions import db
from survey_app.intake.services import create_batch, key_paper_form, keying_sheet
from survey_app.models import CampaignProvider, SafeguardingAlert
from survey_app.survey.services import save_answers, start_draft, submit
from tests.comments.conftest import add_response


def alerts() -> list[SafeguardingAlert]:
    return list(db.session.scalars(select(SafeguardingAlert).order_by(SafeguardingAlert.id)))


def participant(world, provider) -> CampaignProvider:
    return db.session.scalar(select(CampaignProvider).where(CampaignProvider.campaign_id == world.campaign.id,
                                                            CampaignProvider.provider_id == provider.id))


def test_the_world_has_one_alert_per_provider(world):
    assert sorted(alert.provider_id for alert in alerts()) == sorted(
        [world.inside.id, world.small.id, world.outside.id])
    assert {alert.matched_terms for alert in alerts()} == {"shouting"}


def test_a_web_survey_with_a_matching_comment_raises_its_alert_in_the_same_transaction(world):
    before = len(alerts())
    draft = start_draft(participant(world, world.inside), "web", "uk")
    save_answers(draft, {"comment_good": "Смачно годують", "comment_improve": "Санітар б'є дідуся, ми боїмося"})
    response = submit(draft)
    made = alerts()[before:]
    assert len(made) == 1
    alert = made[0]
    assert (alert.response_id, alert.provider_id, alert.campaign_id) == (response.id, world.inside.id,
                                                                          world.campaign.id)
    assert alert.item.name == "comment_improve"
    assert alert.terms == ["beating", "fear"]
    assert alert.status == "open" and alert.acknowledged_at is None
    assert alert.created_at.time() == time()  # the day only: no time of day next to a response


def test_an_ordinary_comment_raises_none_and_a_retried_submission_none_again(world):
    before = len(alerts())
    draft = start_draft(participant(world, world.inside), "web", "ru")
    save_answers(draft, {"comment_good": "Всё хорошо, спасибо"})
    submit(draft)
    assert len(alerts()) == before
    draft = start_draft(participant(world, world.inside), "web", "en")
    save_answers(draft, {"comment_improve": "They lock us in at night"})
    submit(draft)
    submit(draft)  # a double click: the same response, no second alert
    assert len(alerts()) == before + 1


def test_a_keyed_paper_form_raises_its_alert(world):
    user = world.users["admin"]
    batch = create_batch(user, participant(world, world.outside), "P-1", double_keying=False,
                         collected_on=world.campaign.starts_on)
    before = len(alerts())
    keyed = key_paper_form(keying_sheet(batch), user, 1, "kk", {"comment_improve": "Күтуші бізді ұрады"}, "en")
    assert keyed.status == "counted"
    [alert] = alerts()[before:]
    assert alert.provider_id == world.outside.id and alert.terms == ["beating"]


def test_scan_comments_finds_stored_comments_once(world, runner):
    first = add_response(world.campaign, world.small, {"comment_good": "Сиделка угрожает и бьёт"})
    add_response(world.campaign, world.small, {"comment_good": "Всё хорошо"})
    result = runner.invoke(args=["scan-comments"])
    assert result.exit_code == 0, result.output
    assert "1 safeguarding alerts raised" in result.output
    assert [alert.terms for alert in alerts() if alert.response_id == first.id] == [["beating", "threats"]]
    again = runner.invoke(args=["scan-comments"])
    assert "0 safeguarding alerts raised" in again.output
    assert db.session.scalar(select(func.count()).select_from(SafeguardingAlert)) == 4


def test_scan_comments_of_one_campaign_and_an_unknown_one(world, runner):
    add_response(world.campaign, world.small, {"comment_good": "Нас морят голодом"})
    assert "1 safeguarding alerts raised" in runner.invoke(
        args=["scan-comments", "--campaign", world.campaign.code]).output
    result = runner.invoke(args=["scan-comments", "--campaign", "no-such-campaign"])
    assert result.exit_code != 0 and "no campaign" in result.output


def test_configured_words_raise_alerts_for_older_comments(world, app, monkeypatch, tmp_path):
    response = add_response(world.campaign, world.inside, {"comment_improve": "They make us work without pay"})
    assert raise_safeguarding_alerts([response.id]) == 0
    monkeypatch.setitem(app.config, "SAPA_SAFEGUARDING_WORDS", {"exploitation": ["work\\s+without\\s+pay"]})
    assert scan_comments() == 1
    assert alerts()[-1].terms == ["exploitation"]
    words = tmp_path / "words.txt"
    words.write_text("exploitation: мажбүрле\\w*\n", encoding="utf-8")
    monkeypatch.setitem(app.config, "SAPA_SAFEGUARDING_WORDS_FILE", str(words))
    forced = add_response(world.campaign, world.inside, {"comment_improve": "Жұмысқа мажбүрлейді"})
    assert raise_safeguarding_alerts([forced.id]) == 1


def test_the_word_file_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SAPA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SAPA_SAFEGUARDING_WORDS_FILE", "/etc/sapa/safeguarding-words.txt")
    config = Config()
    assert config.SAPA_SAFEGUARDING_WORDS_FILE == "/etc/sapa/safeguarding-words.txt"
    assert config.SAPA_SAFEGUARDING_DEFAULTS is True and config.SAPA_SAFEGUARDING_WORDS == {}
