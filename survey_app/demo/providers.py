"""About 300 demo providers with the mix of settings of Kazakhstan's special social services
(context/003: residential homes, day care and rehabilitation, adaptation centres, home care, NGOs)
and a smaller Ukrainian share of hromada centres and NGOs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Towns per region, for realistic names (Russian spelling, as on KZ signboards; Ukrainian for UA).
TOWNS = {
    "kz-abai": ["Семей", "Аягоз", "Курчатов"], "kz-akmola": ["Кокшетау", "Степногорск", "Щучинск"],
    "kz-aktobe": ["Актобе", "Хромтау", "Кандыагаш"], "kz-almaty-region": ["Конаев", "Талгар", "Есик"],
    "kz-atyrau": ["Атырау", "Кульсары"], "kz-east": ["Усть-Каменогорск", "Риддер", "Алтай"],
    "kz-jambyl": ["Тараз", "Шу", "Каратау"], "kz-jetisu": ["Талдыкорган", "Текели", "Жаркент"],
    "kz-karaganda": ["Караганда", "Темиртау", "Балхаш"], "kz-kostanay": ["Костанай", "Рудный", "Лисаковск"],
    "kz-kyzylorda": ["Кызылорда", "Аральск", "Казалинск"], "kz-mangystau": ["Актау", "Жанаозен"],
    "kz-pavlodar": ["Павлодар", "Экибастуз", "Аксу"], "kz-north": ["Петропавловск", "Булаево", "Сергеевка"],
    "kz-turkistan": ["Туркестан", "Кентау", "Сарыагаш"], "kz-ulytau": ["Жезказган", "Сатпаев"],
    "kz-west": ["Уральск", "Аксай"], "kz-astana": ["Астана"], "kz-almaty": ["Алматы"], "kz-shymkent": ["Шымкент"],
}
UA_TOWNS = {
    "ua-bucha": "Буча", "ua-irpin": "Ірпінь", "ua-bila-tserkva": "Біла Церква", "ua-lviv": "Львів",
    "ua-stryi": "Стрий", "ua-poltava": "Полтава", "ua-myrhorod": "Миргород", "ua-dnipro": "Дніпро",
    "ua-kamianske": "Кам'янське", "ua-vinnytsia": "Вінниця", "ua-khmilnyk": "Хмільник",
}
NGO_NAMES = ["Мейірім", "Шаңырақ", "Үміт", "Ақ ниет", "Сенім", "Қамқорлық", "Жанұя", "Бақыт", "Самғау",
             "Добрые руки", "Родник", "Надежда", "Забота", "Ориентир", "Шанс", "Көмек", "Ізгілік", "Ырыс",
             "Свет", "Жарық", "Берекет", "Тірек", "Алаңсыз", "Дара", "Рука помощи"]
UA_NGO_NAMES = ["Право на захист", "Джерела", "Відкрите серце", "Крок назустріч", "Рідна домівка",
                "Турбота поруч", "Нова надія", "Разом"]


@dataclass(frozen=True)
class ProviderKind:
    """A kind of provider: its setting, form, standards, services, categories served and size."""

    key: str
    count_kz: int
    count_ua: int
    setting: str
    org_form: str
    standards: tuple[str, ...]
    services: tuple[str, ...]
    categories: tuple[str, ...]
    size: tuple[int, int]  # recipients served, low–high
    name_kz: str
    name_ua: str


KINDS = [
    ProviderKind("elderly_home", 16, 2, "residential", "state", ("residential",),
                 ("social_domestic", "social_medical", "social_cultural"), ("older_people", "adults_disabilities"),
                 (120, 420), "КГУ «Медико-социальное учреждение для престарелых и лиц с инвалидностью общего типа» г. {town}",
                 "КУ «Будинок-інтернат для громадян похилого віку та осіб з інвалідністю» м. {town}"),
    ProviderKind("pni", 12, 0, "residential", "state", ("residential",),
                 ("social_domestic", "social_medical", "social_psychological", "social_labour"),
                 ("adults_disabilities",), (150, 500),
                 "КГУ «Центр оказания специальных социальных услуг для лиц с психоневрологическими заболеваниями» г. {town}",
                 ""),
    ProviderKind("children_pni", 6, 0, "residential", "state", ("residential",),
                 ("social_domestic", "social_medical", "social_pedagogical"), ("children_disabilities",), (60, 220),
                 "КГУ «Детский центр оказания специальных социальных услуг» г. {town}", ""),
    ProviderKind("day_care", 16, 3, "day_care", "state", ("semi_residential",),
                 ("social_pedagogical", "social_psychological", "social_cultural"),
                 ("children_disabilities", "adults_disabilities"), (30, 120),
                 "Отделение дневного пребывания для детей с инвалидностью г. {town}",
                 "Відділення денного догляду для дітей з інвалідністю м. {town}"),
    ProviderKind("rehab_centre", 7, 2, "day_care", "state", ("semi_residential",),
                 ("social_medical", "social_psychological", "social_labour"), ("adults_disabilities",), (60, 200),
                 "КГУ «Реабилитационный центр для лиц с инвалидностью» г. {town}",
                 "КУ «Центр комплексної реабілітації для осіб з інвалідністю» м. {town}"),
    ProviderKind("adaptation_centre", 9, 2, "temporary_stay", "state", ("temporary_stay",),
                 ("social_domestic", "social_medical", "social_legal", "social_labour"), ("homeless",), (25, 90),
                 "КГУ «Центр социальной адаптации для лиц, не имеющих определённого места жительства» г. {town}",
                 "Центр соціальної адаптації осіб без визначеного місця проживання м. {town}"),
    ProviderKind("home_care", 160, 10, "home_care", "state", ("home_based",),
                 ("social_domestic", "social_medical"), ("older_people", "adults_disabilities"), (40, 260),
                 "Отделение социальной помощи на дому г. {town}",
                 "Територіальний центр соціального обслуговування (надання соціальних послуг) м. {town}"),
    ProviderKind("ngo_crisis", 12, 2, "specialised_centre", "ngo", ("domestic_violence",),
                 ("social_psychological", "social_legal", "social_domestic"), ("domestic_violence", "families_difficult"),
                 (15, 90), "ОФ «Кризисный центр «{ngo}»» г. {town}", "ГО «Кризовий центр «{ngo}»» м. {town}"),
    ProviderKind("ngo_trafficking", 4, 1, "specialised_centre", "ngo", ("trafficking",),
                 ("social_psychological", "social_legal", "social_economic"), ("trafficking",), (10, 45),
                 "ОЮЛ «Центр помощи пострадавшим от торговли людьми «{ngo}»» г. {town}",
                 "ГО «Центр допомоги постраждалим від торгівлі людьми «{ngo}»» м. {town}"),
    ProviderKind("ngo_disability", 14, 2, "day_care", "ngo", ("semi_residential", "home_based"),
                 ("social_pedagogical", "social_psychological", "social_labour", "social_cultural"),
                 ("children_disabilities", "adults_disabilities"), (20, 120),
                 "ОО «Ассоциация семей, воспитывающих детей с инвалидностью «{ngo}»» г. {town}",
                 "ГО «Асоціація родин, що виховують дітей з інвалідністю «{ngo}»» м. {town}"),
    ProviderKind("ngo_home_care", 6, 2, "home_care", "ngo", ("home_based",),
                 ("social_domestic", "social_medical", "social_psychological"), ("older_people",), (30, 150),
                 "ОФ «Надомная помощь «{ngo}»» г. {town}", "БФ «Допомога вдома «{ngo}»» м. {town}"),
    ProviderKind("private_care", 4, 1, "residential", "private", ("residential",),
                 ("social_domestic", "social_medical"), ("older_people",), (25, 80),
                 "ТОО «Пансионат для пожилых людей «{ngo}»» г. {town}", "ТОВ «Пансіонат «{ngo}»» м. {town}"),
    ProviderKind("ngo_idp", 0, 3, "specialised_centre", "ngo", ("temporary_stay",),
                 ("social_psychological", "social_legal", "social_economic"), ("idp", "families_difficult"),
                 (40, 200), "", "ГО «Центр підтримки внутрішньо переміщених осіб «{ngo}»» м. {town}"),
]


@dataclass
class DemoProvider:
    code: str
    name: str
    kind: ProviderKind
    region_code: str
    recipients_served: int
    quality: float  # true quality on the latent scale (what the statistics should find)
    trend: float  # true change between the two waves
    dimension_effects: np.ndarray  # per core dimension, added to quality


def generate_providers(rng: np.random.Generator, dimension_count: int) -> list[DemoProvider]:
    """Providers with true quality effects, a few strong trends, and names that fit their region."""
    kz_regions = list(TOWNS)
    ua_regions = list(UA_TOWNS)
    providers: list[DemoProvider] = []
    used_names: set[str] = set()
    for kind in KINDS:
        for country, count in (("KZ", kind.count_kz), ("UA", kind.count_ua)):
            for index in range(count):
                if country == "KZ":
                    region = kz_regions[(index * 7 + len(providers)) % len(kz_regions)]
                    town = TOWNS[region][index % len(TOWNS[region])]
                    ngo = NGO_NAMES[(index + len(providers)) % len(NGO_NAMES)]
                    template = kind.name_kz
                else:
                    region = ua_regions[(index * 3 + len(providers)) % len(ua_regions)]
                    town = UA_TOWNS[region]
                    ngo = UA_NGO_NAMES[(index + len(providers)) % len(UA_NGO_NAMES)]
                    template = kind.name_ua
                name = template.format(town=town, ngo=ngo)
                suffix = 2
                base_name = name
                while name in used_names:
                    name = f"{base_name} (№{suffix})" if country == "KZ" else f"{base_name} (№{suffix})"
                    suffix += 1
                used_names.add(name)
                low, high = kind.size
                quality = rng.normal(0.0, 0.32) + (0.12 if kind.org_form == "ngo" else 0.0)
                trend = rng.normal(0.0, 0.08)
                providers.append(
                    DemoProvider(
                        code=f"{country.lower()}-{kind.key.replace('_', '-')}-{index + 1:03d}",
                        name=name,
                        kind=kind,
                        region_code=region,
                        recipients_served=int(rng.integers(low, high + 1)),
                        quality=float(quality),
                        trend=float(trend),
                        dimension_effects=rng.normal(0.0, 0.15, size=dimension_count),
                    )
                )
    # A few providers whose quality falls sharply in the second wave, and a few that improve, so trend
    # alerts and control charts have something to show.
    for position in rng.choice(len(providers), size=6, replace=False):
        providers[position].trend = -0.55
    for position in rng.choice(len(providers), size=6, replace=False):
        providers[position].trend = 0.45
    return providers
