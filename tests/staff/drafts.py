"""Draft Russian and Kazakh translations of the staff dashboard and scorecard, compiled into a
throwaway catalogue.

The real catalogues in ``translations/`` are the translators'. These drafts let a local demo and the
README screenshots show the pages in Russian and Kazakh before the catalogues are updated; the
translators may take them as a starting point (terms from ``context/glossary.md``). A test keeps
them in step with the pages' strings.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

# msgid (or (singular, plural)) -> {"ru": text or plural forms, "kk": ...}
DRAFTS: dict[str | tuple[str, str], dict[str, str | tuple[str, ...]]] = {
    "%(done)s of the %(target)s needed (%(share)s)": {
        "ru": "%(done)s из %(target)s нужных (%(share)s)", "kk": "Қажетті %(target)s ішінен %(done)s (%(share)s)"},
    "%(level)s interval": {"ru": "Интервал %(level)s", "kk": "%(level)s аралығы"},
    ("%(num)s new response since then", "%(num)s new responses since then"): {
        "ru": ("С тех пор %(num)s новый ответ", "С тех пор %(num)s новых ответа", "С тех пор %(num)s новых ответов"),
        "kk": ("Содан бері %(num)s жаңа жауап", "Содан бері %(num)s жаңа жауап")},
    ("%(num)s provider in your view is not drawn: fewer than %(minimum)s responses.",
     "%(num)s providers in your view are not drawn: fewer than %(minimum)s responses."): {
        "ru": ("%(num)s поставщик не показан: меньше %(minimum)s ответов.",
               "%(num)s поставщика не показаны: меньше %(minimum)s ответов.",
               "%(num)s поставщиков не показаны: меньше %(minimum)s ответов."),
        "kk": ("%(num)s қызмет көрсетуші көрсетілмеген: жауаптар %(minimum)s-ден аз.",
               "%(num)s қызмет көрсетуші көрсетілмеген: жауаптар %(minimum)s-ден аз.")},
    ("%(num)s response", "%(num)s responses"): {
        "ru": ("%(num)s ответ", "%(num)s ответа", "%(num)s ответов"),
        "kk": ("%(num)s жауап", "%(num)s жауап")},
    "%(points)s points since %(before)s (%(low)s to %(high)s)": {
        "ru": "%(points)s балла с «%(before)s» (от %(low)s до %(high)s)",
        "kk": "%(points)s балл, салыстыру негізі: «%(before)s» (%(low)s-ден %(high)s-ге дейін)"},
    "A comment needs a safeguarding follow-up (received %(date)s).": {
        "ru": "Комментарий требует мер по защите (получен %(date)s).",
        "kk": "Пікір қорғау шараларын қажет етеді (%(date)s алынған)."},
    "A comment needs a safeguarding follow-up.": {
        "ru": "Комментарий требует мер по защите.", "kk": "Пікір қорғау шараларын қажет етеді."},
    "A wave outside the dashed control limits (3 standard errors around the centre line) is a change that chance "
    "alone would rarely produce.": {
        "ru": "Волна за пунктирными контрольными границами (3 стандартные ошибки от центральной линии) — изменение, "
              "которое случайность сама по себе даёт редко.",
        "kk": "Үзік бақылау шектерінен (орталық сызықтан 3 стандартты қате) тыс толқын — кездейсоқтық өздігінен "
              "сирек беретін өзгеріс."},
    "Above the expected range": {"ru": "Выше ожидаемого диапазона", "kk": "Күтілген аралықтан жоғары"},
    "Adjusted": {"ru": "С поправкой", "kk": "Түзетілген"},
    "Adjusted for recipient mix": {"ru": "С поправкой на состав получателей", "kk": "Алушылар құрамына түзетілген"},
    "Adjusted index": {"ru": "Индекс с поправкой", "kk": "Түзетілген индекс"},
    "Adjusted quality index %(value)s (%(low)s–%(high)s), n = %(n)s": {
        "ru": "Индекс качества с поправкой %(value)s (%(low)s–%(high)s), n = %(n)s",
        "kk": "Түзетілген сапа индексі %(value)s (%(low)s–%(high)s), n = %(n)s"},
    "Adjusted quality index of each provider, %(campaign)s": {
        "ru": "Индекс качества каждого поставщика с поправкой, %(campaign)s",
        "kk": "Әр қызмет көрсетушінің түзетілген сапа индексі, %(campaign)s"},
    "Alerts": {"ru": "Сигналы", "kk": "Дабылдар"},
    ("All %(num)s provider in this campaign", "All %(num)s providers in this campaign"): {
        "ru": ("Весь %(num)s поставщик кампании", "Все %(num)s поставщика кампании",
               "Все %(num)s поставщиков кампании"),
        "kk": ("Науқанның барлық %(num)s қызмет көрсетушісі", "Науқанның барлық %(num)s қызмет көрсетушісі")},
    "All recipients surveyed in the country, 0–100": {
        "ru": "Все опрошенные получатели в стране, 0–100", "kk": "Елдегі барлық сауалнамаға қатысқан алушылар, 0–100"},
    "As answered": {"ru": "Как ответили", "kk": "Жауап бойынша"},
    "As expected": {"ru": "Как ожидалось", "kk": "Күтілгендей"},
    "Below the %(level)s limit of the funnel plot": {
        "ru": "Ниже границы %(level)s воронкообразной диаграммы",
        "kk": "Воронка диаграммасының %(level)s шегінен төмен"},
    "Below the expected range": {"ru": "Ниже ожидаемого диапазона", "kk": "Күтілген аралықтан төмен"},
    "Better than the overall mean": {"ru": "Лучше общего среднего", "kk": "Жалпы орташадан жақсы"},
    "By recipient category": {"ru": "По категориям получателей", "kk": "Алушылар санаттары бойынша"},
    "Comments": {"ru": "Комментарии", "kk": "Пікірлер"},
    "Comparison with other providers": {"ru": "Сравнение с другими поставщиками",
                                        "kk": "Басқа қызмет көрсетушілермен салыстыру"},
    "Control limits": {"ru": "Контрольные границы", "kk": "Бақылау шектері"},
    "Day care (semi-residential)": {"ru": "Полустационарное обслуживание",
                                    "kk": "Жартылай стационарлық қызмет көрсету"},
    "Dimension": {"ru": "Аспект", "kk": "Аспект"},
    "Dots are the regions’ quality index with its %(level)s interval; the dashed line is the overall value.": {
        "ru": "Точки — индекс качества областей с интервалом %(level)s; пунктир — общее значение.",
        "kk": "Нүктелер — облыстардың сапа индексі, %(level)s аралығымен; үзік сызық — жалпы мән."},
    "Each point is a provider: its quality index adjusted for the mix of recipients, against its number of "
    "responses. Points outside the dashed lines differ from the overall mean by more than chance; the limits are "
    "computed from every provider in the wave.": {
        "ru": "Каждая точка — поставщик: его индекс качества с поправкой на состав получателей в зависимости от "
              "числа ответов. Точки за пунктирными линиями отличаются от общего среднего больше, чем допускает "
              "случайность; границы рассчитаны по всем поставщикам волны.",
        "kk": "Әр нүкте — қызмет көрсетуші: алушылар құрамына түзетілген сапа индексі мен жауаптар саны. Үзік "
              "сызықтардан тыс нүктелер жалпы орташадан кездейсоқтықтан көп ерекшеленеді; шектер толқынның барлық "
              "қызмет көрсетушілері бойынша есептелген."},
    "Ended on %(date)s": {"ru": "Завершена %(date)s", "kk": "%(date)s аяқталды"},
    "Falling since the previous wave": {"ru": "Снижение с прошлой волны", "kk": "Алдыңғы толқыннан бері төмендеу"},
    "For a fair comparison with other providers": {"ru": "Для честного сравнения с другими поставщиками",
                                                   "kk": "Басқа қызмет көрсетушілермен әділ салыстыру үшін"},
    "From %(before)s to %(after)s the quality index changed by %(points)s points (%(level)s interval of the change "
    "%(low)s to %(high)s): within chance.": {
        "ru": "С «%(before)s» по «%(after)s» индекс качества изменился на %(points)s балла (интервал "
              "изменения %(level)s: от %(low)s до %(high)s) — в пределах случайности.",
        "kk": "«%(before)s» мен «%(after)s» аралығында сапа индексі %(points)s балға өзгерді "
              "(өзгерістің %(level)s аралығы: %(low)s-ден %(high)s-ге дейін) — кездейсоқтық шегінде."},
    "From %(before)s to %(after)s the quality index fell by %(points)s points (%(level)s interval of the change "
    "%(low)s to %(high)s): more than chance.": {
        "ru": "С «%(before)s» по «%(after)s» индекс качества снизился на %(points)s балла (интервал "
              "изменения %(level)s: от %(low)s до %(high)s) — больше, чем случайность.",
        "kk": "«%(before)s» мен «%(after)s» аралығында сапа индексі %(points)s балға төмендеді "
              "(өзгерістің %(level)s аралығы: %(low)s-ден %(high)s-ге дейін) — кездейсоқтықтан көп."},
    "From %(before)s to %(after)s the quality index rose by %(points)s points (%(level)s interval of the change "
    "%(low)s to %(high)s): more than chance.": {
        "ru": "С «%(before)s» по «%(after)s» индекс качества вырос на %(points)s балла (интервал "
              "изменения %(level)s: от %(low)s до %(high)s) — больше, чем случайность.",
        "kk": "«%(before)s» мен «%(after)s» аралығында сапа индексі %(points)s балға өсті "
              "(өзгерістің %(level)s аралығы: %(low)s-ден %(high)s-ге дейін) — кездейсоқтықтан көп."},
    "From −100 to +100": {"ru": "От −100 до +100", "kk": "−100-ден +100-ге дейін"},
    "Funnel plot": {"ru": "Воронкообразная диаграмма", "kk": "Воронка диаграммасы"},
    "Funnel plot: %(flag)s.": {"ru": "Воронкообразная диаграмма: %(flag)s.", "kk": "Воронка диаграммасы: %(flag)s."},
    "Furthest from the sample they need": {"ru": "Дальше всех от нужной выборки",
                                           "kk": "Қажетті іріктемеден ең алыс"},
    "Grade %(grade)s of %(top)s": {"ru": "Оценка %(grade)s из %(top)s", "kk": "%(top)s ішінен %(grade)s баға"},
    "Grey: as answered. Blue: adjusted for the mix of recipients. Green: stabilised, pulled towards the mean as "
    "much as the number of responses requires. Bars are %(level)s intervals.": {
        "ru": "Серые — как ответили. Синие — с поправкой на состав получателей. Зелёные — со стабилизацией: "
              "смещены к среднему настолько, насколько требует число ответов. Отрезки — интервалы %(level)s.",
        "kk": "Сұр — жауап бойынша. Көк — алушылар құрамына түзетілген. Жасыл — тұрақтандырылған: жауаптар саны "
              "талап ететіндей орташаға жақындатылған. Сызықтар — %(level)s аралықтары."},
    "Home-based care": {"ru": "Надомное обслуживание", "kk": "Үйде қызмет көрсету"},
    "Invitations not counted": {"ru": "Приглашения не подсчитаны", "kk": "Шақырулар есептелмеген"},
    "Its reliability is %(reliability)s (0.7 is the usual floor): another sample of recipients could well place "
    "this provider elsewhere among its peers.": {
        "ru": "Его надёжность %(reliability)s (обычный минимум — 0,7): другая выборка получателей вполне могла бы "
              "поставить этого поставщика на другое место среди коллег.",
        "kk": "Оның сенімділігі %(reliability)s (әдеттегі ең төменгі шек — 0,7): алушылардың басқа іріктемесі бұл "
              "қызмет көрсетушіні әріптестері арасында басқа орынға қоюы әбден мүмкін."},
    "Needed": {"ru": "Нужно", "kk": "Қажет"},
    "Net Promoter Score": {"ru": "Индекс готовности рекомендовать (NPS)", "kk": "Ұсыну индексі (NPS)"},
    "No answers give a recipient category in this wave.": {
        "ru": "В этой волне в ответах не указана категория получателя.",
        "kk": "Бұл толқында жауаптарда алушы санаты көрсетілмеген."},
    "No grade: no adjusted score could be computed.": {
        "ru": "Без оценки: балл с поправкой не рассчитан.", "kk": "Баға жоқ: түзетілген балл есептелмеді."},
    "No grade: the score is not reliable enough to rank (reliability below 0.7).": {
        "ru": "Без оценки: балл недостаточно надёжен для ранжирования (надёжность ниже 0,7).",
        "kk": "Баға жоқ: балл саралауға жеткілікті сенімді емес (сенімділік 0,7-ден төмен)."},
    "No grade: too few providers in this wave could be graded.": {
        "ru": "Без оценки: в этой волне слишком мало поставщиков можно оценить.",
        "kk": "Баға жоқ: бұл толқында бағалауға болатын қызмет көрсетушілер тым аз."},
    "No grade: too few responses to rank this provider reliably.": {
        "ru": "Без оценки: слишком мало ответов, чтобы надёжно ранжировать поставщика.",
        "kk": "Баға жоқ: қызмет көрсетушіні сенімді саралау үшін жауаптар тым аз."},
    "No provider counts its invitations": {"ru": "Ни один поставщик не считает приглашения",
                                           "kk": "Бірде-бір қызмет көрсетуші шақыруларды есептемейді"},
    "No provider in your view is below the funnel plot’s outer limit or falling significantly.": {
        "ru": "Ни один из ваших поставщиков не ниже внешней границы воронкообразной диаграммы и не снижается "
              "значимо.",
        "kk": "Сіздің бірде-бір қызмет көрсетушіңіз воронка диаграммасының сыртқы шегінен төмен емес және айтарлықтай "
              "төмендемейді."},
    "No open safeguarding alerts.": {"ru": "Открытых сигналов о защите нет.",
                                     "kk": "Қорғау туралы ашық дабылдар жоқ."},
    "No score yet": {"ru": "Балла пока нет", "kk": "Әзірге балл жоқ"},
    "Non-governmental organisation": {"ru": "Неправительственная организация (НПО)",
                                      "kk": "Үкіметтік емес ұйым (ҮЕҰ)"},
    "Not compared": {"ru": "Не сравнивается", "kk": "Салыстырылмайды"},
    "Not shown: %(reason)s.": {"ru": "Не показано: %(reason)s.", "kk": "Көрсетілмейді: %(reason)s."},
    "Number of responses": {"ru": "Число ответов", "kk": "Жауаптар саны"},
    "Open": {"ru": "Открыть", "kk": "Ашу"},
    "Open until %(date)s": {"ru": "Открыта до %(date)s", "kk": "%(date)s дейін ашық"},
    "Over time": {"ru": "Во времени", "kk": "Уақыт бойынша"},
    "Private provider": {"ru": "Частный поставщик", "kk": "Жеке қызмет көрсетуші"},
    "Progress": {"ru": "Ход", "kk": "Барысы"},
    "Provider": {"ru": "Поставщик услуг", "kk": "Қызмет көрсетуші"},
    "Provider scorecard": {"ru": "Карточка поставщика", "kk": "Қызмет көрсетуші карточкасы"},
    "Providers compared fairly (funnel plot)": {"ru": "Честное сравнение поставщиков (воронкообразная диаграмма)",
                                                "kk": "Қызмет көрсетушілерді әділ салыстыру (воронка диаграммасы)"},
    "Providers furthest from the number of responses they need, %(campaign)s": {
        "ru": "Поставщики, дальше всех от нужного числа ответов, %(campaign)s",
        "kk": "Қажетті жауаптар санынан ең алыс қызмет көрсетушілер, %(campaign)s"},
    "Providers with enough responses": {"ru": "Поставщики с достаточным числом ответов",
                                        "kk": "Жауаптары жеткілікті қызмет көрсетушілер"},
    "Quality dimensions": {"ru": "Аспекты качества", "kk": "Сапа аспектілері"},
    "Quality index": {"ru": "Индекс качества", "kk": "Сапа индексі"},
    "Quality index by recipient category": {"ru": "Индекс качества по категориям получателей",
                                            "kk": "Алушылар санаттары бойынша сапа индексі"},
    "Quality index by region": {"ru": "Индекс качества по областям", "kk": "Облыстар бойынша сапа индексі"},
    "Quality index by region, %(campaign)s": {"ru": "Индекс качества по областям, %(campaign)s",
                                              "kk": "Облыстар бойынша сапа индексі, %(campaign)s"},
    "Quality index per wave": {"ru": "Индекс качества по волнам", "kk": "Толқындар бойынша сапа индексі"},
    "Quality index per wave, with control limits": {
        "ru": "Индекс качества по волнам с контрольными границами",
        "kk": "Толқындар бойынша сапа индексі, бақылау шектерімен"},
    "Read what recipients wrote about this provider": {
        "ru": "Прочитать, что получатели написали об этом поставщике",
        "kk": "Алушылардың осы қызмет көрсетуші туралы жазғанын оқу"},
    "Recipient category": {"ru": "Категория получателей", "kk": "Алушылар санаты"},
    "Recipients’ comments will be available here.": {"ru": "Здесь будут комментарии получателей.",
                                                     "kk": "Мұнда алушылардың пікірлері болады."},
    "Region": {"ru": "Область", "kk": "Облыс"},
    "Residential care": {"ru": "Стационарное обслуживание", "kk": "Стационарлық қызмет көрсету"},
    "Response rate": {"ru": "Доля ответивших", "kk": "Жауап берген үлесі"},
    "Responses": {"ru": "Ответы", "kk": "Жауаптар"},
    "Responses towards the sample needed": {"ru": "Ответы в счёт нужной выборки",
                                            "kk": "Қажетті іріктемеге есептелген жауаптар"},
    "Results by recipient category, %(campaign)s": {"ru": "Результаты по категориям получателей, %(campaign)s",
                                                    "kk": "Алушылар санаттары бойынша нәтижелер, %(campaign)s"},
    "Safeguarding": {"ru": "Защита", "kk": "Қорғау"},
    "Safeguarding alerts from recipients’ comments will appear here.": {
        "ru": "Здесь появятся сигналы о защите из комментариев получателей.",
        "kk": "Мұнда алушылар пікірлерінен қорғау туралы дабылдар пайда болады."},
    "Satisfied or very satisfied": {"ru": "Удовлетворены или очень удовлетворены",
                                    "kk": "Қанағаттанған немесе өте қанағаттанған"},
    "Satisfied overall": {"ru": "Удовлетворены в целом", "kk": "Жалпы қанағаттанған"},
    "Score": {"ru": "Балл", "kk": "Балл"},
    "Scores as of %(time)s.": {"ru": "Баллы на %(time)s.", "kk": "Баллдар %(time)s бойынша."},
    "Scores by quality dimension, %(campaign)s": {"ru": "Баллы по аспектам качества, %(campaign)s",
                                                  "kk": "Сапа аспектілері бойынша баллдар, %(campaign)s"},
    "Scores by quality dimension, 0–100": {"ru": "Баллы по аспектам качества, 0–100",
                                           "kk": "Сапа аспектілері бойынша баллдар, 0–100"},
    "Scores have not been computed yet.": {"ru": "Баллы ещё не рассчитаны.", "kk": "Баллдар әлі есептелмеген."},
    ("Show %(num)s more", "Show %(num)s more"): {
        "ru": ("Показать ещё %(num)s", "Показать ещё %(num)s", "Показать ещё %(num)s"),
        "kk": ("Тағы %(num)s көрсету", "Тағы %(num)s көрсету")},
    "Show as table": {"ru": "Показать таблицей", "kk": "Кесте түрінде көрсету"},
    "Specialised centre": {"ru": "Специализированный центр", "kk": "Мамандандырылған орталық"},
    "Stabilised": {"ru": "Со стабилизацией", "kk": "Тұрақтандырылған"},
    "Starts on %(date)s": {"ru": "Начнётся %(date)s", "kk": "%(date)s басталады"},
    "State institution": {"ru": "Государственное учреждение", "kk": "Мемлекеттік мекеме"},
    "Survey waves": {"ru": "Волны опроса", "kk": "Сауалнама толқындары"},
    "Temporary stay": {"ru": "Временное пребывание", "kk": "Уақытша болу"},
    "The adjusted quality index compared with the mean of all providers in this wave, allowing for chance.": {
        "ru": "Индекс качества с поправкой в сравнении со средним всех поставщиков волны с учётом случайности.",
        "kk": "Түзетілген сапа индексі толқынның барлық қызмет көрсетушілерінің орташасымен, кездейсоқтықты ескере "
              "отырып салыстырылған."},
    "The dashed line is the provider’s quality index. Categories with fewer than %(minimum)s responses are not "
    "drawn.": {
        "ru": "Пунктир — индекс качества поставщика. Категории, где меньше %(minimum)s ответов, не показаны.",
        "kk": "Үзік сызық — қызмет көрсетушінің сапа индексі. Жауаптары %(minimum)s-ден аз санаттар көрсетілмейді."},
    "The trend appears after a second wave.": {"ru": "Динамика появится после второй волны.",
                                               "kk": "Серпін екінші толқыннан кейін пайда болады."},
    "There are no scores for this provider yet: no responses in a scored wave.": {
        "ru": "Баллов для этого поставщика пока нет: нет ответов в рассчитанной волне.",
        "kk": "Бұл қызмет көрсетуші үшін әзірге балл жоқ: есептелген толқында жауаптар жоқ."},
    "There is no campaign with providers in your view yet.": {
        "ru": "Пока нет кампании с вашими поставщиками.",
        "kk": "Әзірге сіздің қызмет көрсетушілеріңіз бар науқан жоқ."},
    "This provider has fewer than %(minimum)s responses in this wave. To protect the recipients who answered, no "
    "score is shown.": {
        "ru": "У этого поставщика в этой волне меньше %(minimum)s ответов. Чтобы защитить ответивших получателей, "
              "баллы не показываются.",
        "kk": "Бұл қызмет көрсетушінің осы толқында жауаптары %(minimum)s-ден аз. Жауап берген алушыларды қорғау "
              "үшін баллдар көрсетілмейді."},
    "This provider’s quality index": {"ru": "Индекс качества этого поставщика",
                                      "kk": "Осы қызмет көрсетушінің сапа индексі"},
    ("This score rests on %(num)s response; treat differences of less than ±%(margin)s points as chance.",
     "This score rests on %(num)s responses; treat differences of less than ±%(margin)s points as chance."): {
        "ru": ("Этот балл основан на %(num)s ответе; различия меньше ±%(margin)s балла считайте случайными.",
               "Этот балл основан на %(num)s ответах; различия меньше ±%(margin)s балла считайте случайными.",
               "Этот балл основан на %(num)s ответах; различия меньше ±%(margin)s балла считайте случайными."),
        "kk": ("Бұл балл %(num)s жауапқа негізделген; ±%(margin)s балдан аз айырмашылықтарды кездейсоқ деп "
               "санаңыз.",
               "Бұл балл %(num)s жауапқа негізделген; ±%(margin)s балдан аз айырмашылықтарды кездейсоқ деп "
               "санаңыз.")},
    "Wave": {"ru": "Волна", "kk": "Толқын"},
    "Wave %(number)s · %(month)s": {"ru": "Волна %(number)s · %(month)s", "kk": "%(number)s-толқын · %(month)s"},
    "What recipients said, 0–100": {"ru": "Что сказали получатели, 0–100", "kk": "Алушылар не айтты, 0–100"},
    "Within the expected range": {"ru": "В пределах ожидаемого диапазона", "kk": "Күтілген аралықта"},
    "Worse than the overall mean": {"ru": "Хуже общего среднего", "kk": "Жалпы орташадан нашар"},
    "Your organisation’s scorecard": {"ru": "Карточка вашей организации", "kk": "Ұйымыңыздың карточкасы"},
    ("fewer than %(num)s response", "fewer than %(num)s responses"): {
        "ru": ("меньше %(num)s ответа", "меньше %(num)s ответов", "меньше %(num)s ответов"),
        "kk": ("%(num)s жауаптан аз", "%(num)s жауаптан аз")},
    "outside": {"ru": "за границами", "kk": "шектен тыс"},
    "reached the sample they need": {"ru": "набрали нужную выборку", "kk": "қажетті іріктемені жинады"},
    "the scores will include them at the next refresh.": {
        "ru": "они войдут в баллы при следующем пересчёте.", "kk": "олар келесі қайта есептеуде баллдарға кіреді."},
    ("where invitations are counted (%(num)s provider)", "where invitations are counted (%(num)s providers)"): {
        "ru": ("где приглашения подсчитаны (%(num)s поставщик)", "где приглашения подсчитаны (%(num)s поставщика)",
               "где приглашения подсчитаны (%(num)s поставщиков)"),
        "kk": ("шақырулар есептелген жерде (%(num)s қызмет көрсетуші)",
               "шақырулар есептелген жерде (%(num)s қызмет көрсетуші)")},
}


def compile_drafts(directory: Path) -> Path:
    """Write ``<directory>/<lang>/LC_MESSAGES/messages.mo`` for ru and kk; return ``directory``."""
    for language in ("ru", "kk"):
        catalog = Catalog(locale=language)
        for message, texts in DRAFTS.items():
            flags = ("python-format",) if "%(" in (message if isinstance(message, str) else message[0]) else ()
            catalog.add(message, texts[language], flags=flags)
        folder = directory / language / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / "messages.mo", "wb") as mo_file:
            write_mo(mo_file, catalog)
    return directory
