"""Open answers for the demo: what recipients praise, what they would improve, and — rarely — words
that must raise a safeguarding alert, or personal data that must be masked before staff read it."""

from __future__ import annotations

import numpy as np

GOOD = {
    "ru": ["Персонал всегда вежливый и внимательный.", "Социальный работник приходит вовремя, всё объясняет.",
           "Хорошо кормят, в комнатах чисто и тепло.", "Помогли оформить документы и пособие.",
           "Психолог очень помог мне и детям.", "Занятия для детей интересные, ребёнок ходит с радостью.",
           "Чувствую, что меня уважают и слушают.", "Спасибо за заботу и доброе отношение."],
    "kk": ["Қызметкерлер әрдайым сыпайы әрі ықыласты.", "Әлеуметтік қызметкер уақытында келеді, бәрін түсіндіреді.",
           "Тамақ жақсы, бөлмелер таза әрі жылы.", "Құжаттар мен жәрдемақыны рәсімдеуге көмектесті.",
           "Психолог маған да, балаларыма да көп көмектесті.", "Балаларға арналған сабақтар қызықты.",
           "Мені құрметтейтінін, тыңдайтынын сезінемін.", "Қамқорлығыңыз бен мейіріміңіз үшін рақмет."],
    "uk": ["Персонал завжди ввічливий і уважний.", "Соціальна працівниця приходить вчасно, все пояснює.",
           "Добре годують, у кімнатах чисто й тепло.", "Допомогли оформити документи та допомогу.",
           "Психологиня дуже допомогла мені й дітям.", "Заняття для дітей цікаві, дитина ходить із радістю.",
           "Відчуваю, що мене поважають і слухають.", "Дякую за турботу й добре ставлення."],
    "en": ["The staff are always polite and attentive.", "The social worker comes on time and explains everything.",
           "Good food, clean and warm rooms.", "They helped me with documents and my allowance.",
           "The psychologist helped me and my children a lot.", "I feel respected and listened to."],
}
IMPROVE = {
    "ru": ["Хотелось бы, чтобы работник приходил чаще.", "Долго ждать очереди на приём к специалисту.",
           "Мало занятий и прогулок, скучно.", "Приходится много раз приносить одни и те же справки.",
           "Нет пандуса, трудно заехать на коляске.", "Не знаю, к кому обратиться с жалобой.",
           "Хотелось бы больше информации о моих правах.", "Нужен юрист, который объяснит простыми словами."],
    "kk": ["Қызметкер жиірек келсе екен.", "Маманның қабылдауына кезек ұзақ.",
           "Сабақтар мен серуендер аз, зеригіп кетеміз.", "Бір анықтаманы бірнеше рет әкелуге тура келеді.",
           "Пандус жоқ, арбамен кіру қиын.", "Шағымды кімге айту керектігін білмеймін.",
           "Құқықтарым туралы көбірек ақпарат берілсе екен."],
    "uk": ["Хотілося б, щоб працівник приходив частіше.", "Довго чекати черги до фахівця.",
           "Мало занять і прогулянок, нудно.", "Доводиться багато разів приносити ті самі довідки.",
           "Немає пандуса, важко заїхати на візку.", "Не знаю, куди звернутися зі скаргою.",
           "Хотілося б більше інформації про мої права."],
    "en": ["I wish the worker came more often.", "Long waits to see a specialist.",
           "Too few activities and walks.", "I have to bring the same papers again and again.",
           "There is no ramp, it is hard to get in with a wheelchair."],
}
# Rare, and more likely where the service is poor: these must reach the provider's monitors.
SAFEGUARDING = {
    "ru": ["Санитарка кричит на бабушек и угрожает, что их выгонят.", "Соседа по комнате били, все молчат.",
           "Мне страшно жаловаться, был случай насилия."],
    "kk": ["Күтуші әжелерге айқайлап, қорқытады.", "Бөлмедегі көршімді ұрды, бәрі үндемейді."],
    "uk": ["Санітарка кричить на бабусь і погрожує, що їх виженуть.", "Сусіда по кімнаті били, всі мовчать."],
    "en": ["A carer shouts at residents and threatens them.", "My room-mate was beaten and nobody says anything."],
}
# Recipients sometimes leave a phone number or ID number despite the hint; staff must see it masked.
PERSONAL_DATA = {
    "ru": "Перезвоните мне, пожалуйста: +7 701 234 56 78, ИИН 850101300123.",
    "kk": "Маған хабарласыңызшы: 8 777 123 45 67.",
    "uk": "Зателефонуйте мені: +380 67 123 45 67, ІПН 3012345678.",
    "en": "Please call me back on +7 701 234 56 78 or write to aigul.demo@example.com.",
}


def comment_for(rng: np.random.Generator, question_name: str, latent: float, language: str) -> str | None:
    """An open answer for ``question_name`` (praise or improvement), or None when left empty."""
    improving = "improve" in question_name
    leaves_comment = rng.random() < (0.22 + (0.12 if improving and latent < 0 else 0.0) + (0.08 if not improving else 0))
    if not leaves_comment:
        return None
    if improving and latent < -0.4 and rng.random() < 0.04:
        return str(rng.choice(SAFEGUARDING[language]))
    if rng.random() < 0.01:
        return PERSONAL_DATA[language]
    bank = IMPROVE if improving else GOOD
    return str(rng.choice(bank[language]))
