"""The reference lists themselves, each name in Kazakh, Russian, Ukrainian and English."""

from __future__ import annotations


def names(kk: str, ru: str, uk: str, en: str) -> dict[str, str]:
    return {"kk": kk, "ru": ru, "uk": uk, "en": en}


# Kazakhstan after the 2022 reform: 17 oblasts and 3 cities of republican significance.
KAZAKHSTAN_OBLASTS = [
    ("kz-abai", names("Абай облысы", "Абайская область", "Абайська область", "Abai Region")),
    ("kz-akmola", names("Ақмола облысы", "Акмолинская область", "Акмолинська область", "Akmola Region")),
    ("kz-aktobe", names("Ақтөбе облысы", "Актюбинская область", "Актюбінська область", "Aktobe Region")),
    ("kz-almaty-region", names("Алматы облысы", "Алматинская область", "Алматинська область", "Almaty Region")),
    ("kz-atyrau", names("Атырау облысы", "Атырауская область", "Атирауська область", "Atyrau Region")),
    ("kz-east", names("Шығыс Қазақстан облысы", "Восточно-Казахстанская область",
                      "Східноказахстанська область", "East Kazakhstan Region")),
    ("kz-jambyl", names("Жамбыл облысы", "Жамбылская область", "Жамбилська область", "Jambyl Region")),
    ("kz-jetisu", names("Жетісу облысы", "Область Жетісу", "Область Жетісу", "Jetisu Region")),
    ("kz-karaganda", names("Қарағанды облысы", "Карагандинская область", "Карагандинська область",
                           "Karaganda Region")),
    ("kz-kostanay", names("Қостанай облысы", "Костанайская область", "Костанайська область", "Kostanay Region")),
    ("kz-kyzylorda", names("Қызылорда облысы", "Кызылординская область", "Кизилординська область",
                           "Kyzylorda Region")),
    ("kz-mangystau", names("Маңғыстау облысы", "Мангистауская область", "Мангістауська область",
                           "Mangystau Region")),
    ("kz-pavlodar", names("Павлодар облысы", "Павлодарская область", "Павлодарська область", "Pavlodar Region")),
    ("kz-north", names("Солтүстік Қазақстан облысы", "Северо-Казахстанская область",
                       "Північноказахстанська область", "North Kazakhstan Region")),
    ("kz-turkistan", names("Түркістан облысы", "Туркестанская область", "Туркестанська область",
                           "Turkistan Region")),
    ("kz-ulytau", names("Ұлытау облысы", "Область Ұлытау", "Область Улитау", "Ulytau Region")),
    ("kz-west", names("Батыс Қазақстан облысы", "Западно-Казахстанская область",
                      "Західноказахстанська область", "West Kazakhstan Region")),
]
KAZAKHSTAN_CITIES = [
    ("kz-astana", names("Астана қаласы", "город Астана", "місто Астана", "Astana (city)")),
    ("kz-almaty", names("Алматы қаласы", "город Алматы", "місто Алмати", "Almaty (city)")),
    ("kz-shymkent", names("Шымкент қаласы", "город Шымкент", "місто Шимкент", "Shymkent (city)")),
]
# A few Ukrainian oblasts, each with some of its territorial communities (hromadas).
UKRAINE_OBLASTS = [
    ("ua-kyiv-oblast", names("Киев облысы", "Киевская область", "Київська область", "Kyiv Oblast"), [
        ("ua-bucha", names("Буча қалалық аумақтық қауымдастығы", "Бучанская городская территориальная громада",
                           "Бучанська міська територіальна громада", "Bucha city hromada")),
        ("ua-irpin", names("Ирпень қалалық аумақтық қауымдастығы", "Ирпенская городская территориальная громада",
                           "Ірпінська міська територіальна громада", "Irpin city hromada")),
        ("ua-bila-tserkva", names("Белая Церковь қалалық аумақтық қауымдастығы",
                                  "Белоцерковская городская территориальная громада",
                                  "Білоцерківська міська територіальна громада", "Bila Tserkva city hromada")),
    ]),
    ("ua-lviv-oblast", names("Львов облысы", "Львовская область", "Львівська область", "Lviv Oblast"), [
        ("ua-lviv", names("Львов қалалық аумақтық қауымдастығы", "Львовская городская территориальная громада",
                          "Львівська міська територіальна громада", "Lviv city hromada")),
        ("ua-stryi", names("Стрый қалалық аумақтық қауымдастығы", "Стрыйская городская территориальная громада",
                           "Стрийська міська територіальна громада", "Stryi city hromada")),
    ]),
    ("ua-poltava-oblast", names("Полтава облысы", "Полтавская область", "Полтавська область", "Poltava Oblast"), [
        ("ua-poltava", names("Полтава қалалық аумақтық қауымдастығы", "Полтавская городская территориальная громада",
                             "Полтавська міська територіальна громада", "Poltava city hromada")),
        ("ua-myrhorod", names("Миргород қалалық аумақтық қауымдастығы",
                              "Миргородская городская территориальная громада",
                              "Миргородська міська територіальна громада", "Myrhorod city hromada")),
    ]),
    ("ua-dnipro-oblast", names("Днепропетров облысы", "Днепропетровская область", "Дніпропетровська область",
                               "Dnipropetrovsk Oblast"), [
        ("ua-dnipro", names("Днепр қалалық аумақтық қауымдастығы", "Днепровская городская территориальная громада",
                            "Дніпровська міська територіальна громада", "Dnipro city hromada")),
        ("ua-kamianske", names("Каменское қалалық аумақтық қауымдастығы",
                               "Каменская городская территориальная громада",
                               "Кам'янська міська територіальна громада", "Kamianske city hromada")),
    ]),
    ("ua-vinnytsia-oblast", names("Винница облысы", "Винницкая область", "Вінницька область", "Vinnytsia Oblast"), [
        ("ua-vinnytsia", names("Винница қалалық аумақтық қауымдастығы",
                               "Винницкая городская территориальная громада",
                               "Вінницька міська територіальна громада", "Vinnytsia city hromada")),
        ("ua-khmilnyk", names("Хмельник қалалық аумақтық қауымдастығы",
                              "Хмельникская городская территориальная громада",
                              "Хмільницька міська територіальна громада", "Khmilnyk city hromada")),
    ]),
]

SERVICE_TYPES = [
    ("social_domestic", names("Әлеуметтік-тұрмыстық қызметтер", "Социально-бытовые услуги",
                              "Соціально-побутові послуги", "Social and domestic services")),
    ("social_medical", names("Әлеуметтік-медициналық қызметтер", "Социально-медицинские услуги",
                             "Соціально-медичні послуги", "Socio-medical services")),
    ("social_psychological", names("Әлеуметтік-психологиялық қызметтер", "Социально-психологические услуги",
                                   "Соціально-психологічні послуги", "Socio-psychological services")),
    ("social_pedagogical", names("Әлеуметтік-педагогикалық қызметтер", "Социально-педагогические услуги",
                                 "Соціально-педагогічні послуги", "Socio-pedagogical services")),
    ("social_labour", names("Әлеуметтік-еңбек қызметтері", "Социально-трудовые услуги",
                            "Соціально-трудові послуги", "Socio-labour services")),
    ("social_cultural", names("Әлеуметтік-мәдени қызметтер", "Социально-культурные услуги",
                              "Соціально-культурні послуги", "Socio-cultural services")),
    ("social_economic", names("Әлеуметтік-экономикалық қызметтер", "Социально-экономические услуги",
                              "Соціально-економічні послуги", "Socio-economic services")),
    ("social_legal", names("Әлеуметтік-құқықтық қызметтер", "Социально-правовые услуги",
                           "Соціально-правові послуги", "Socio-legal services")),
]

# Kazakhstan's six standards of special social services.
SERVICE_STANDARDS = [
    ("residential", names("Стационарлық қызмет көрсету", "Стационарное обслуживание", "Стаціонарний догляд",
                          "Residential care")),
    ("semi_residential", names("Жартылай стационарлық қызмет көрсету", "Полустационарное обслуживание",
                               "Денний догляд", "Day care (semi-residential)")),
    ("home_based", names("Үйде қызмет көрсету", "Надомное обслуживание", "Догляд вдома", "Home-based care")),
    ("temporary_stay", names("Уақытша болу жағдайында қызмет көрсету", "Обслуживание в условиях временного пребывания",
                             "Тимчасове перебування", "Temporary stay")),
    ("trafficking", names("Адам саудасының құрбандарына қызмет көрсету", "Услуги жертвам торговли людьми",
                          "Послуги постраждалим від торгівлі людьми", "Services for victims of human trafficking")),
    ("domestic_violence", names("Тұрмыстық зорлық-зомбылық құрбандарына қызмет көрсету",
                                "Услуги жертвам бытового насилия",
                                "Послуги постраждалим від домашнього насильства",
                                "Services for victims of domestic violence")),
]

# (code, names, country or None for both)
RECIPIENT_CATEGORIES = [
    ("older_people", names("Егде жастағы адамдар", "Пожилые люди", "Люди похилого віку", "Older people"), None),
    ("adults_disabilities", names("Мүгедектігі бар ересектер", "Взрослые лица с инвалидностью",
                                  "Дорослі особи з інвалідністю", "Adults with disabilities"), None),
    ("children_disabilities", names("Мүгедектігі бар балалар және олардың отбасылары",
                                    "Дети с инвалидностью и их семьи", "Діти з інвалідністю та їхні родини",
                                    "Children with disabilities and their families"), None),
    ("children_without_care", names("Ата-ана қамқорлығынсыз қалған балалар",
                                    "Дети, оставшиеся без попечения родителей",
                                    "Діти, позбавлені батьківського піклування",
                                    "Children without parental care"), None),
    ("domestic_violence", names("Тұрмыстық зорлық-зомбылық құрбандары", "Жертвы бытового насилия",
                                "Постраждалі від домашнього насильства", "Victims of domestic violence"), None),
    ("trafficking", names("Адам саудасының құрбандары", "Жертвы торговли людьми",
                          "Постраждалі від торгівлі людьми", "Victims of human trafficking"), None),
    ("homeless", names("Белгілі бір тұрғылықты жері жоқ адамдар", "Лица без определённого места жительства",
                       "Особи без визначеного місця проживання", "People without a fixed home"), None),
    ("families_difficult", names("Өмірлік қиын жағдайдағы отбасылар", "Семьи в трудной жизненной ситуации",
                                 "Сім'ї у складних життєвих обставинах",
                                 "Families in a difficult life situation"), None),
    ("idp", names("Ішкі қоныс аударған адамдар", "Внутренне перемещённые лица",
                  "Внутрішньо переміщені особи (ВПО)", "Internally displaced persons"), "UA"),
]

# The Sapa Core dimensions (codes as in the instrument) for per-dimension indicators.
CORE_DIMENSIONS = [
    ("access", names("Қолжетімділік", "Доступность", "Доступність", "Access")),
    ("respect", names("Құрмет пен қадір-қасиет", "Уважение и достоинство", "Повага та гідність",
                      "Respect and dignity")),
    ("competence", names("Қызметкерлердің біліктілігі мен сенімділігі", "Компетентность и надёжность персонала",
                         "Компетентність і надійність персоналу", "Staff competence and reliability")),
    ("information", names("Ақпарат және таңдау", "Информированность и выбор", "Інформованість і вибір",
                          "Information and choice")),
    ("coordination", names("Үйлестіру", "Координация", "Координація", "Coordination")),
    ("outcomes", names("Нәтижелер", "Результаты", "Результати", "Outcomes")),
    ("safety", names("Қауіпсіздік", "Безопасность", "Безпека", "Safety")),
]

# (code, kind, direction, unit, dimension, items, names, method texts)
INDICATORS = [
    ("satisfaction_rate", "satisfaction_rate", "higher", "percent", None, None,
     names("Қанағаттану деңгейі", "Уровень удовлетворённости", "Рівень задоволеності", "Satisfaction rate"),
     names("Жалпы қанағаттану сұрағына «қанағаттанамын» немесе «толығымен қанағаттанамын» деп жауап берген "
           "қызмет алушылардың үлесі (%), Уилсон аралығымен.",
           "Доля получателей услуг, ответивших «удовлетворён» или «полностью удовлетворён» на вопрос об общей "
           "удовлетворённости (%), с интервалом Уилсона.",
           "Частка отримувачів соціальних послуг, які відповіли «задоволений» або «повністю задоволений» на "
           "питання про загальну задоволеність (%), з інтервалом Вілсона.",
           "Share of recipients answering 'satisfied' or 'very satisfied' to overall satisfaction (%), "
           "with a Wilson interval.")),
    ("quality_index", "quality_index", "higher", "score", None, None,
     names("Сапаның жиынтық индексі", "Сводный индекс качества", "Зведений індекс якості",
           "Composite quality index"),
     names("Өлшемдер бойынша баллдардың орташасы (0–100), t-аралығымен.",
           "Среднее баллов по измерениям (0–100), с t-интервалом.",
           "Середнє балів за вимірами (0–100), з t-інтервалом.",
           "Mean of the dimension scores (0–100), with a t interval.")),
    ("nps", "nps", "higher", "nps", None, None,
     names("Ұсыну индексі (NPS)", "Индекс готовности рекомендовать (NPS)",
           "Індекс готовності рекомендувати (NPS)", "Net Promoter Score"),
     names("9–10 баға қойғандар үлесі минус 0–6 баға қойғандар үлесі (−100…100).",
           "Доля поставивших 9–10 минус доля поставивших 0–6 (−100…100).",
           "Частка тих, хто поставив 9–10, мінус частка тих, хто поставив 0–6 (−100…100).",
           "Share rating 9–10 minus share rating 0–6 (−100…100).")),
    ("could_choose_provider", "item_top2", "higher", "percent", None, "information_choice",
     names("Қызмет көрсетушіні таңдай алғандар үлесі", "Доля тех, кто мог выбрать поставщика услуг",
           "Частка тих, хто міг обрати надавача соціальних послуг", "Share who could choose their provider"),
     names("Қызмет көрсетушіні де, қызметтерді де таңдау мүмкіндігі болды деген пікірмен келіскен (4–5) "
           "қызмет алушылардың үлесі (%), Уилсон аралығымен.",
           "Доля получателей услуг, согласных (4–5) с тем, что у них была возможность выбрать поставщика услуг "
           "и сами услуги (%), с интервалом Уилсона.",
           "Частка отримувачів соціальних послуг, які погоджуються (4–5), що мали можливість обрати надавача "
           "соціальних послуг і самі послуги (%), з інтервалом Вілсона.",
           "Share of recipients agreeing (4–5) that they could choose the service provider and the services "
           "they receive (%), with a Wilson interval.")),
    ("response_rate", "response_rate", "higher", "percent", None, None,
     names("Жауап беру деңгейі", "Уровень отклика", "Рівень відгуку", "Response rate"),
     names("Алынған сауалнама парақтары / таратылған шақырулар (%).",
           "Полученные анкеты / выданные приглашения (%).",
           "Отримані анкети / видані запрошення (%).",
           "Questionnaires received / invitations handed out (%).")),
    ("coverage", "coverage", "higher", "percent", None, None,
     names("Сауалнамамен қамту", "Охват опросом", "Охоплення опитуванням", "Survey coverage"),
     names("Сауалнамаға қатысқан қызмет алушылар / шарт бойынша қызмет алушылар саны (%).",
           "Опрошенные получатели услуг / число получателей по договору (%).",
           "Опитані отримувачі соціальних послуг / кількість отримувачів за договором (%).",
           "Recipients surveyed / recipients contracted (%).")),
    ("complaints_per_100", "administrative", "lower", "per_100", None, None,
     names("100 қызмет алушыға шаққандағы шағымдар", "Жалобы на 100 получателей услуг",
           "Скарги на 100 отримувачів соціальних послуг", "Complaints per 100 recipients"),
     names("Кезең ішінде тіркелген шағымдар саны × 100 / қызмет алушылар саны; қолмен енгізіледі.",
           "Число зарегистрированных за период жалоб × 100 / число получателей услуг; вводится вручную.",
           "Кількість зареєстрованих за період скарг × 100 / кількість отримувачів; вводиться вручну.",
           "Complaints registered in the period × 100 / recipients served; entered by hand.")),
]


def dimension_indicators():
    """One indicator per Sapa Core dimension score (0–100)."""
    for code, dimension_names in CORE_DIMENSIONS:
        yield (
            f"dimension_{code}", "dimension_score", "higher", "score", code, None,
            names(f"{dimension_names['kk']}: балл", f"{dimension_names['ru']}: балл",
                  f"{dimension_names['uk']}: бал", f"{dimension_names['en']} score"),
            names("Өлшем баллы (0–100) = (орташа − 1) / 4 × 100; сұрақтардың кемінде жартысына жауап беру қажет.",
                  "Балл измерения (0–100) = (среднее − 1) / 4 × 100; нужны ответы хотя бы на половину вопросов.",
                  "Бал виміру (0–100) = (середнє − 1) / 4 × 100; потрібні відповіді хоча б на половину питань.",
                  "Dimension score (0–100) = (mean − 1) / 4 × 100; at least half its items answered."),
        )
