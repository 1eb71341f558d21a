"""Figures entered by hand, targets and the expert assessment through the pages: every create, change and
delete in the audit trail with who, when, the old and new values and the reason; a change without a
reason refused; the trail append-only; and the demo's evidence seeded idempotently."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey_app.demo.contracts import seed_contract_evidence
from survey_app.models import AdministrativeFigure, AuditEvent, ContractTarget, ExpertAssessment
from survey_app.models.monitoring import CRITERIA, AuditTrailError
from tests.contracts.conftest import PERIOD


def _events(db, contract_id: int, subject: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.contract_id == contract_id, AuditEvent.subject == subject).order_by(AuditEvent.id)))


def _figure(db, contract_id: int) -> AdministrativeFigure | None:
    db.session.expire_all()
    return db.session.scalar(select(AdministrativeFigure).where(AdministrativeFigure.contract_id == contract_id))


def test_figure_entered_changed_and_deleted_each_leave_an_event(world, db, client, sign_in):
    evaluator = sign_in("evaluator")
    contract_id = world.contracts["big"]
    complaints = world.indicator("complaints_per_100")
    base = f"/staff/contracts/{contract_id}/figures"

    answer = client.post(f"{base}/new", data={"indicator": complaints.id, "period_start": PERIOD[0].isoformat(),
                                              "period_end": PERIOD[1].isoformat(), "value": "2,5"})
    assert answer.status_code == 302
    row = _figure(db, contract_id)
    assert row.value == 2.5 and row.entered_by_id == evaluator.id
    created, = _events(db, contract_id, "administrative_figure")
    assert (created.action, created.actor_id, created.actor_name) == ("create", evaluator.id, evaluator.full_name)
    assert created.changes == [["value", None, "2.5"]] and created.indicator_id == complaints.id
    assert created.occurred_at is not None and created.reason is None

    # Entering the same figure again does not overwrite it.
    again = client.post(f"{base}/new", data={"indicator": complaints.id, "period_start": PERIOD[0].isoformat(),
                                             "period_end": PERIOD[1].isoformat(), "value": "9"})
    assert again.status_code == 422 and _figure(db, contract_id).value == 2.5

    # A change without a reason is refused, and nothing changes.
    refused = client.post(f"{base}/{row.id}", data={"value": "3.1", "reason": "  "})
    assert refused.status_code == 422
    assert "reason" in refused.get_data(as_text=True).lower() or "Write the reason" in refused.get_data(as_text=True)
    assert _figure(db, contract_id).value == 2.5 and len(_events(db, contract_id, "administrative_figure")) == 1

    changed = client.post(f"{base}/{row.id}", data={"value": "3.1", "reason": "Corrected after the quarterly act"})
    assert changed.status_code == 302 and _figure(db, contract_id).value == 3.1
    change = _events(db, contract_id, "administrative_figure")[-1]
    assert (change.action, change.changes, change.reason) == (
        "change", [["value", "2.5", "3.1"]], "Corrected after the quarterly act")

    assert client.post(f"{base}/{row.id}/delete", data={"reason": ""}).status_code == 422
    # Blanks passed the form (InputRequired reads what was sent, before stripping): a server error (found by
    # tests/proof); now the form's message.
    blank = client.post(f"{base}/{row.id}/delete?lang=en", data={"reason": " \t "})
    assert blank.status_code == 422 and "Write the reason for deleting" in blank.get_data(as_text=True)
    assert _figure(db, contract_id) is not None
    deleted = client.post(f"{base}/{row.id}/delete", data={"reason": "Entered for the wrong contract"})
    assert deleted.status_code == 302 and _figure(db, contract_id) is None
    delete = _events(db, contract_id, "administrative_figure")[-1]
    assert (delete.action, delete.changes, delete.reason) == (
        "delete", [["value", "3.1", None]], "Entered for the wrong contract")

    # The contract's page shows the whole trail.
    page = client.get(f"/staff/contracts/{contract_id}?lang=en").get_data(as_text=True)
    for text in ("Corrected after the quarterly act", "Entered for the wrong contract", evaluator.full_name):
        assert text in page


def test_target_change_needs_a_reason_and_is_recorded(world, db, client, sign_in):
    sign_in("admin")
    contract = world.contract("big")
    target = next(t for t in contract.targets if t.indicator.code == "satisfaction_rate")
    url = f"/staff/contracts/{contract.id}/targets/{target.id}"
    assert client.post(url, data={"baseline": "74", "target": "85"}).status_code == 422
    db.session.expire_all()
    assert db.session.get(ContractTarget, target.id).target == 80.0
    assert client.post(url, data={"baseline": "74", "target": "85", "reason": "Amendment №2"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ContractTarget, target.id).target == 85.0
    event = _events(db, contract.id, "target")[-1]
    assert (event.action, event.changes, event.reason) == ("change", [["target", "80", "85"]], "Amendment №2")


def test_expert_assessment_recorded_then_changed_with_a_reason(world, db, client, sign_in):
    evaluator = sign_in("evaluator")
    contract_id = world.contracts["big"]
    url = f"/staff/contracts/{contract_id}/assessment?period={PERIOD[0].isoformat()}"
    form = {f"{criterion}_score": "4" for criterion in CRITERIA}
    form.update({f"{criterion}_reasoning": f"Evidence for {criterion}." for criterion in CRITERIA})
    incomplete = dict(form, relevance_reasoning="", impact_score="6")
    assert client.post(url, data=incomplete).status_code == 422
    assert client.post(url, data=form).status_code == 302
    db.session.expire_all()
    row = db.session.scalar(select(ExpertAssessment).where(ExpertAssessment.contract_id == contract_id))
    assert row.total == 20 and row.assessor_name == evaluator.full_name
    assert _events(db, contract_id, "expert_assessment")[0].action == "create"

    changed = dict(form, plan_score="2", plan_reasoning="Two activities were not delivered.")
    assert client.post(url, data=changed).status_code == 422  # no reason
    assert client.post(url, data=dict(changed, reason="Act of 30 June")).status_code == 302
    event = _events(db, contract_id, "expert_assessment")[-1]
    assert event.action == "change" and event.reason == "Act of 30 June"
    assert ["plan_score", "4", "2"] in event.changes
    assert ["plan_reasoning", "Evidence for plan.", "Two activities were not delivered."] in event.changes
    page = client.get(f"/staff/contracts/{contract_id}?lang=en").get_data(as_text=True)
    assert "Two activities were not delivered." in page and "18" in page


def test_a_provider_manager_reads_but_does_not_change(world, client, sign_in):
    sign_in("provider_manager")
    contract_id = world.contracts["big"]
    page = client.get(f"/staff/contracts/{contract_id}?lang=en")
    assert page.status_code == 200 and "Enter a figure" not in page.get_data(as_text=True)
    assert client.get(f"/staff/contracts/{contract_id}/figures/new").status_code == 403
    assert client.post(f"/staff/contracts/{contract_id}/assessment", data={}).status_code == 403


def test_the_audit_trail_is_append_only(world, db):
    from survey_app.contracts.audit import record

    event = record(world.user("admin"), "create", "contract", contract=world.contract("big"))
    event.reason = "rewritten"
    with pytest.raises(AuditTrailError):
        db.session.flush()
    db.session.rollback()
    event = record(world.user("admin"), "create", "contract", contract=world.contract("big"))
    db.session.delete(event)
    with pytest.raises(AuditTrailError):
        db.session.flush()


def test_demo_evidence_is_seeded_once(world, db):
    def counts():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (AdministrativeFigure, ExpertAssessment, AuditEvent))

    seed_contract_evidence(echo=lambda *_: None)
    first = counts()
    assert first[0] >= 1 and first[1] >= 1 and first[2] == first[0] + first[1]
    seed_contract_evidence(echo=lambda *_: None)
    assert counts() == first
