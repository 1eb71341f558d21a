"""``flask seed-demo`` loads realistic demo data, and running it twice changes nothing."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from survey_app import create_app
from survey_app.config import TestConfig
from survey_app.demo.seed import counts_of_everything
from survey_app.extensions import db
from survey_app.models import Provider, Region, Response


@pytest.mark.slow
def test_seed_demo_is_idempotent_and_realistic(tmp_path):
    app = create_app(TestConfig(f"sqlite:///{tmp_path / 'demo.sqlite3'}"))
    runner = app.test_cli_runner()
    with app.app_context():
        upgrade()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        counts = counts_of_everything()
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    with app.app_context():
        assert counts_of_everything() == counts
        # Kazakhstan's 17 oblasts and 3 cities, and some Ukrainian oblasts with hromadas.
        kz = db.session.scalars(select(Region.kind).where(Region.country == "KZ")).all()
        assert kz.count("oblast") == 17 and kz.count("city") == 3
        assert db.session.scalar(select(func.count()).where(Region.kind == "hromada")) >= 5
        assert 250 <= counts["provider"] <= 350
        settings = set(db.session.scalars(select(Provider.setting).distinct()))
        assert settings == {"residential", "day_care", "home_care", "temporary_stay", "specialised_centre"}
        assert 25_000 <= counts["response"] <= 35_000
        assert counts["contract"] > 0 and counts["contract_target"] > 0 and counts["staff_user"] >= 5
        waves = db.session.execute(select(Response.campaign_id, func.count()).group_by(Response.campaign_id)).all()
        assert len(waves) == 4  # two waves in each country
        db.engine.dispose()
