"""A small realistic world for score tests: Sapa Core, demo providers, generated responses."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from survey_app.campaigns.services import enrol_provider
from survey_app.demo import seed
from survey_app.demo.providers import generate_providers
from survey_app.demo.responses import generate_wave
from survey_app.instruments.runtime import compiled_instrument
from survey_app.instruments.services import load_standard_instrument
from survey_app.reference.loader import load_reference

PROVIDERS = 14


@pytest.fixture
def scored_world(any_db):
    """Two waves for 14 providers (one of them with only 3 responses); returns what tests need."""
    rng = np.random.default_rng(7)
    load_reference()
    version = load_standard_instrument()
    instrument = compiled_instrument(version)
    everyone = generate_providers(rng, 7)
    chosen = [p for p in everyone if p.region_code.startswith("kz")][:PROVIDERS]
    rows = seed._save_providers(rng, chosen)
    campaigns = []
    for wave, (starts_on, ends_on) in enumerate([(date(2026, 3, 1), date(2026, 5, 31)),
                                                 (date(2026, 9, 1), date(2026, 11, 30))], start=1):
        campaign = seed._save_campaign("KZ", wave, starts_on, ends_on, version.id)
        counts = {p.code: int(rng.integers(20, 40)) for p in chosen}
        counts[chosen[-1].code] = 3  # too few to show below administrator
        for provider in chosen:
            enrol_provider(campaign, rows[provider.code])
        generated = generate_wave(rng, instrument, chosen, wave, starts_on, ends_on, counts)
        seed._insert_responses(campaign, version.id, generated, rows)
        campaigns.append(campaign)
    any_db.session.flush()
    return {"db": any_db, "version": version, "campaigns": campaigns, "providers": rows, "chosen": chosen}
