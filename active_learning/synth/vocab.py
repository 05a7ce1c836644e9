"""Word lists per language that Faker does not provide (titles, labels, suffixes, slogans).

Kept apart from the drawing logic in ``content`` so that adding a language is a data change.
Languages: en, ru, de, fr, es, it, nl, pl, pt. Lists are deliberately varied in spelling and
punctuation ("Tel.:", "Tél. :", "T", "Моб.:") because real cards are.
"""

from __future__ import annotations

#: locale -> (language, phone region, e-mail/web top-level domains, country names as printed)
LOCALES: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "en_US": ("en", "US", (".com", ".com", ".com", ".net", ".io", ".co", ".us", ".org"), ("USA", "United States")),
    "en_GB": ("en", "GB", (".co.uk", ".co.uk", ".com", ".uk", ".org.uk"), ("United Kingdom", "UK", "England")),
    "ru_RU": ("ru", "RU", (".ru", ".ru", ".ru", ".com", ".su", ".net"), ("Россия", "Российская Федерация")),
    "de_DE": ("de", "DE", (".de", ".de", ".de", ".com", ".eu"), ("Deutschland", "Germany")),
    "fr_FR": ("fr", "FR", (".fr", ".fr", ".com", ".eu"), ("France",)),
    "es_ES": ("es", "ES", (".es", ".es", ".com"), ("España", "Spain")),
    "it_IT": ("it", "IT", (".it", ".it", ".com"), ("Italia", "Italy")),
    "nl_NL": ("nl", "NL", (".nl", ".nl", ".com", ".eu"), ("Nederland", "The Netherlands")),
    "pl_PL": ("pl", "PL", (".pl", ".pl", ".com", ".eu"), ("Polska", "Poland")),
    "pt_BR": ("pt", "BR", (".com.br", ".com.br", ".com", ".br"), ("Brasil", "Brazil")),
}

#: Default mixture: the five evaluation locales dominate; the others add Latin-script variety.
LOCALE_WEIGHTS: dict[str, float] = {
    "en_US": 0.21, "en_GB": 0.14, "ru_RU": 0.21, "de_DE": 0.15, "fr_FR": 0.15,
    "es_ES": 0.035, "it_IT": 0.035, "nl_NL": 0.035, "pl_PL": 0.035, "pt_BR": 0.035,
}

TITLES: dict[str, tuple[str, ...]] = {
    "en": (
        "CEO", "Chief Executive Officer", "CTO", "CFO", "COO", "Founder", "Co-Founder", "Founder & CEO",
        "Managing Director", "Director", "Sales Director", "Head of Sales", "Head of Marketing",
        "Marketing Manager", "Sales Manager", "Account Manager", "Key Account Manager",
        "Senior Software Engineer", "Software Developer", "Project Manager", "Product Manager",
        "Business Development Manager", "Office Manager", "Partner", "Senior Partner", "Consultant",
        "Senior Consultant", "Attorney at Law", "Solicitor", "Chartered Accountant", "Architect",
        "Real Estate Agent", "Financial Advisor", "HR Manager", "Head of Operations", "VP of Engineering",
        "Vice President, Sales", "Regional Manager", "Customer Success Manager", "Art Director",
        "Creative Director", "General Manager", "Owner", "President", "Principal", "Team Lead",
    ),
    "ru": (
        "Генеральный директор", "Директор", "Коммерческий директор", "Финансовый директор",
        "Технический директор", "Исполнительный директор", "Руководитель отдела продаж",
        "Менеджер по продажам", "Старший менеджер", "Менеджер проектов", "Главный бухгалтер",
        "Ведущий инженер", "Инженер-программист", "Руководитель проекта", "Начальник отдела",
        "Заместитель директора", "Специалист по закупкам", "Менеджер по работе с клиентами",
        "Юрист", "Адвокат", "Архитектор", "Дизайнер", "Маркетолог", "Риелтор", "Основатель",
        "Управляющий партнёр", "Региональный представитель", "Торговый представитель", "Аналитик",
    ),
    "de": (
        "Geschäftsführer", "Geschäftsführerin", "Inhaber", "Inhaberin", "Vertriebsleiter",
        "Leiter Vertrieb", "Leiterin Marketing", "Projektleiter", "Softwareentwickler",
        "Key Account Manager", "Vertriebsmitarbeiter", "Rechtsanwalt", "Rechtsanwältin",
        "Steuerberater", "Prokurist", "Bereichsleiter", "Abteilungsleiter", "Architekt",
        "Immobilienmakler", "Berater", "Senior Consultant", "Vorstand", "Teamleiter",
        "Kundenbetreuer", "Einkaufsleiter", "Technischer Leiter", "Partner",
    ),
    "fr": (
        "Directeur général", "Directrice générale", "Directeur commercial", "Directrice marketing",
        "Président", "Présidente", "Gérant", "Gérante", "Chef de projet", "Responsable commercial",
        "Responsable des ventes", "Ingénieur commercial", "Ingénieur logiciel", "Consultant",
        "Consultante senior", "Avocat", "Avocate", "Expert-comptable", "Architecte",
        "Agent immobilier", "Chargé d'affaires", "Chargée de clientèle", "Fondateur", "Associé",
        "Directeur technique", "Responsable des achats", "Conseiller financier",
    ),
    "es": ("Director General", "Gerente", "Director Comercial", "Jefe de Ventas", "Consultor", "Abogado", "Arquitecto", "Fundador"),
    "it": ("Amministratore Delegato", "Direttore Commerciale", "Responsabile Vendite", "Consulente", "Avvocato", "Architetto", "Titolare"),
    "nl": ("Directeur", "Algemeen Directeur", "Accountmanager", "Verkoopleider", "Adviseur", "Eigenaar", "Projectleider"),
    "pl": ("Prezes Zarządu", "Dyrektor Handlowy", "Kierownik Sprzedaży", "Konsultant", "Właściciel", "Specjalista ds. Sprzedaży"),
    "pt": ("Diretor Comercial", "Diretora Executiva", "Gerente de Vendas", "Gerente de Contas", "Consultor", "Consultora",
           "Advogado", "Advogada", "Engenheiro Civil", "Arquiteta", "Sócio-Diretor", "Analista de Sistemas", "Corretor de Imóveis"),
}

DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "en": ("Sales Department", "Marketing & Communications", "Customer Service", "Research & Development", "Corporate Banking", "Logistics Division", "Legal Department"),
    "ru": ("Отдел продаж", "Отдел маркетинга", "Департамент развития", "Служба поддержки", "Юридический отдел", "Отдел логистики"),
    "de": ("Abteilung Vertrieb", "Marketing & Kommunikation", "Kundenservice", "Forschung & Entwicklung", "Einkauf", "Rechtsabteilung"),
    "fr": ("Service commercial", "Direction marketing", "Service client", "Recherche et développement", "Service juridique"),
    "es": ("Departamento Comercial", "Atención al Cliente", "Departamento de Marketing", "Recursos Humanos", "Dpto. Técnico"),
    "it": ("Ufficio Commerciale", "Servizio Clienti", "Ufficio Tecnico", "Direzione Marketing", "Ufficio Acquisti"),
    "nl": ("Afdeling Verkoop", "Klantenservice", "Afdeling Inkoop", "Marketing & Communicatie"),
    "pl": ("Dział Sprzedaży", "Obsługa Klienta", "Dział Marketingu", "Dział Techniczny"),
    "pt": ("Departamento Comercial", "Atendimento ao Cliente", "Departamento Jurídico", "Setor de Compras", "Marketing e Comunicação"),
}

SLOGANS: dict[str, tuple[str, ...]] = {
    "en": ("Quality you can trust", "Building better futures", "Your partner in growth", "Since 1987", "Est. 2004",
           "Innovation that works", "Excellence in every detail", "Smart solutions for business", "Think ahead",
           "Certified ISO 9001:2015", "Award-winning service", "Trusted by 500+ clients"),
    "ru": ("Качество, проверенное временем", "Ваш надёжный партнёр", "С 1998 года", "Работаем для вас",
           "Официальный дилер", "Строим будущее вместе", "Решения для бизнеса", "Лидер рынка с 2005 года",
           "Сертифицировано ISO 9001", "Больше, чем сервис"),
    "de": ("Qualität seit 1952", "Ihr Partner für Erfolg", "Kompetenz aus einer Hand", "Seit 1995",
           "Zertifiziert nach ISO 9001", "Wir bewegen Zukunft", "Lösungen mit System", "Meisterbetrieb"),
    "fr": ("La qualité avant tout", "Votre partenaire de confiance", "Depuis 1978", "L'excellence au quotidien",
           "Ensemble, construisons l'avenir", "Des solutions sur mesure", "Certifié ISO 9001"),
    "es": ("Calidad garantizada", "Desde 1990", "Su socio de confianza"),
    "it": ("Qualità dal 1965", "Il vostro partner di fiducia", "Soluzioni su misura"),
    "nl": ("Kwaliteit sinds 1982", "Uw partner in groei", "Slimme oplossingen"),
    "pl": ("Jakość od 1991 roku", "Twój zaufany partner", "Rozwiązania dla biznesu"),
    "pt": ("Qualidade que faz a diferença", "Desde 1994", "Seu parceiro de confiança", "Soluções sob medida",
           "Inovação e tradição"),
}

MEMBERSHIPS: dict[str, tuple[str, ...]] = {
    "en": ("Member of the Chamber of Commerce", "Member of RICS", "Member of the Law Society", "A member of {group}", "Part of {group}"),
    "ru": ("Член Торгово-промышленной палаты", "Член СРО", "Входит в группу компаний «{group}»", "Резидент Сколково"),
    "de": ("Mitglied der IHK", "Mitglied im Bundesverband", "Ein Unternehmen der {group}", "Teil der {group}"),
    "fr": ("Membre de la CCI", "Membre de l'Ordre des architectes", "Une société du groupe {group}", "Filiale de {group}"),
    "es": ("Miembro de la Cámara de Comercio",),
    "it": ("Membro di Confindustria",),
    "nl": ("Lid van de Kamer van Koophandel",),
    "pl": ("Członek Izby Gospodarczej",),
    "pt": ("Membro da Câmara de Comércio", "Uma empresa do grupo {group}"),
}

#: Label texts per language and contact kind. "" means: the value is printed unlabelled.
LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "office": ("Tel:", "Tel.", "T:", "T", "Phone:", "Ph:", "P:", "Office:", "Direct:", "Tel"),
        "mobile": ("Mob:", "Mobile:", "M:", "M", "Cell:", "C:", "Mob."),
        "fax": ("Fax:", "F:", "F", "Fax"),
        "email": ("Email:", "E-mail:", "E:", "E", "Mail:", "e."),
        "website": ("Web:", "W:", "W", "Website:", "Web"),
        "address": ("Address:", "A:", "Office:"),
    },
    "ru": {
        "office": ("Тел.:", "Тел:", "Т.:", "Тел.", "Телефон:", "т."),
        "mobile": ("Моб.:", "Моб. тел.:", "Мобильный:", "Моб.", "М.:", "Сот.:"),
        "fax": ("Факс:", "Ф.:", "Факс"),
        "email": ("E-mail:", "Email:", "Эл. почта:", "e-mail:", "Почта:"),
        "website": ("Сайт:", "Web:", "Веб-сайт:", "www:"),
        "address": ("Адрес:", "Офис:", "Юр. адрес:"),
    },
    "de": {
        "office": ("Tel.:", "Tel:", "Telefon:", "T", "T:", "Fon:", "Tel."),
        "mobile": ("Mobil:", "Mobil", "Handy:", "M", "M:", "Mob.:"),
        "fax": ("Fax:", "F", "F:", "Telefax:"),
        "email": ("E-Mail:", "Mail:", "E", "E:", "email:"),
        "website": ("Web:", "Internet:", "W", "www:"),
        "address": ("Adresse:", "Anschrift:", "Büro:"),
    },
    "fr": {
        "office": ("Tél. :", "Tél :", "Tél.", "Tel:", "T.", "T :", "Téléphone :", "Ligne directe :"),
        "mobile": ("Portable :", "Mob. :", "Mobile :", "P.", "M.", "Port. :"),
        "fax": ("Fax :", "F.", "Télécopie :"),
        "email": ("E-mail :", "Courriel :", "Email :", "Mail :", "E."),
        "website": ("Site :", "Web :", "Site web :", "W."),
        "address": ("Adresse :", "Siège :"),
    },
    "es": {"office": ("Tel.:", "Teléfono:", "T."), "mobile": ("Móvil:", "Móv.:", "M."), "fax": ("Fax:",),
           "email": ("Email:", "Correo:", "E."), "website": ("Web:",), "address": ("Dirección:",)},
    "it": {"office": ("Tel.", "Tel:", "T."), "mobile": ("Cell.", "Cellulare:", "M."), "fax": ("Fax",),
           "email": ("Email:", "E-mail:", "E."), "website": ("Web:", "Sito:"), "address": ("Indirizzo:", "Sede:")},
    "nl": {"office": ("Tel:", "T", "Telefoon:"), "mobile": ("Mob:", "M", "Mobiel:"), "fax": ("Fax:",),
           "email": ("E-mail:", "E"), "website": ("Web:", "W"), "address": ("Adres:",)},
    "pl": {"office": ("Tel.:", "Tel:", "T:"), "mobile": ("Kom.:", "Tel. kom.:", "M:"), "fax": ("Faks:", "Fax:"),
           "email": ("E-mail:", "Email:"), "website": ("WWW:", "Web:"), "address": ("Adres:",)},
    "pt": {"office": ("Tel.:", "Tel:", "Fone:", "Telefone:", "T."), "mobile": ("Cel.:", "Celular:", "Cel", "WhatsApp:", "C."),
           "fax": ("Fax:", "Fax"), "email": ("E-mail:", "Email:", "E."), "website": ("Site:", "Web:"),
           "address": ("Endereço:", "End.:")},
}

#: Labels of a branch office's or shop's own number ("Filiale Hamburg: +49 40 ..."); "{city}" is a town.
BRANCH_LABELS: dict[str, tuple[str, ...]] = {
    "en": ("{city} office:", "{city}:", "Showroom {city}:", "Branch {city}:", "Store {city}:", "{city} Office"),
    "ru": ("Офис в г. {city}:", "Филиал {city}:", "{city}:", "Магазин {city}:", "Склад {city}:"),
    "de": ("Büro {city}:", "Filiale {city}:", "Niederlassung {city}:", "{city}:", "Lager {city}:"),
    "fr": ("Agence de {city} :", "Bureau {city} :", "Boutique {city} :", "{city} :"),
    "es": ("Oficina {city}:", "Tienda {city}:", "{city}:"),
    "it": ("Sede di {city}:", "Negozio {city}:", "{city}:"),
    "nl": ("Kantoor {city}:", "Vestiging {city}:", "{city}:"),
    "pl": ("Oddział {city}:", "Biuro {city}:", "{city}:"),
    "pt": ("Filial {city}:", "Loja {city}:", "Escritório {city}:", "{city}:"),
}

#: Company suffix templates per locale; "{}" is the company's core name.
COMPANY_FORMS: dict[str, tuple[str, ...]] = {
    "en_US": ("{} Inc.", "{}, Inc.", "{} LLC", "{} Corp.", "{} Corporation", "{} Co.", "{} Group", "{}", "{} Partners", "{} & Associates"),
    "en_GB": ("{} Ltd", "{} Ltd.", "{} Limited", "{} PLC", "{} LLP", "{} Group", "{}", "{} & Sons"),
    "ru_RU": ("ООО «{}»", "ООО \"{}\"", "АО «{}»", "ПАО «{}»", "ЗАО «{}»", "ГК «{}»", "ООО {}", "Компания «{}»", "{}"),
    "de_DE": ("{} GmbH", "{} AG", "{} GmbH & Co. KG", "{} KG", "{} e.K.", "{} UG (haftungsbeschränkt)", "{} Gruppe", "{}"),
    "fr_FR": ("{} SARL", "{} SAS", "{} SA", "{} EURL", "Groupe {}", "Cabinet {}", "{}", "Société {}"),
    "es_ES": ("{} S.L.", "{} S.A.", "Grupo {}", "{}"),
    "it_IT": ("{} S.r.l.", "{} S.p.A.", "Studio {}", "{}"),
    "nl_NL": ("{} B.V.", "{} N.V.", "{} Groep", "{}"),
    "pl_PL": ("{} Sp. z o.o.", "{} S.A.", "Grupa {}", "{}"),
    "pt_BR": ("{} Ltda.", "{} LTDA", "{} S.A.", "{} ME", "{} EIRELI", "Grupo {}", "{}"),
}

#: Industry words that follow a brand word ("Nordlicht Logistik").
INDUSTRIES: dict[str, tuple[str, ...]] = {
    "en": ("Consulting", "Solutions", "Logistics", "Systems", "Technologies", "Capital", "Design", "Properties",
           "Engineering", "Media", "Software", "Analytics", "Construction", "Labs", "Digital", "Health", "Energy"),
    "ru": ("Консалтинг", "Логистик", "Строй", "Инвест", "Технологии", "Системы", "Медиа", "Девелопмент",
           "Трейд", "Софт", "Энерго", "Сервис", "Групп", "Проект"),
    "de": ("Beratung", "Logistik", "Bau", "Immobilien", "Technik", "Software", "Consulting", "Medien",
           "Systeme", "Elektro", "Maschinenbau", "Finanz", "Design"),
    "fr": ("Conseil", "Immobilier", "Logistique", "Informatique", "Ingénierie", "Transports", "Design",
           "Services", "Solutions", "Patrimoine", "Énergie"),
    "es": ("Consultores", "Logística", "Inmobiliaria", "Soluciones"),
    "it": ("Consulting", "Logistica", "Immobiliare", "Soluzioni"),
    "nl": ("Advies", "Logistiek", "Vastgoed", "Techniek"),
    "pl": ("Consulting", "Logistyka", "Nieruchomości", "Technologie"),
    "pt": ("Consultoria", "Logística", "Imóveis", "Soluções", "Engenharia", "Tecnologia"),
}

#: Invented brand words (Latin script) used as company cores in every locale.
BRANDS: tuple[str, ...] = (
    "Apex", "Nordwind", "Bluewave", "Silverline", "Northstar", "Greenfield", "Vector", "Quantum", "Atlas",
    "Horizon", "Pinnacle", "Evergreen", "Summit", "Novatek", "Brightside", "Ironbridge", "Clearview",
    "Meridian", "Keystone", "Lumen", "Orbita", "Polaris", "Redwood", "Stellar", "Terra", "Unity", "Zenith",
    "Aurora", "Cobalt", "Falcon", "Granite", "Harbor", "Inova", "Kraftwerk", "Lighthouse", "Momentum",
)

#: Cyrillic brand words for ru_RU cores.
BRANDS_RU: tuple[str, ...] = (
    "Вектор", "Альфа", "Гранит", "Север", "Меридиан", "Атлант", "Стройинвест", "Техносфера", "Прогресс",
    "Горизонт", "Восток", "Сибирь", "Эталон", "Ресурс", "Спектр", "Импульс", "Орбита", "Магистраль",
)

#: Transliteration used to derive Latin e-mail/web domains from Russian names and companies.
TRANSLIT: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya", "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ł": "l", "ø": "o", "æ": "ae",
    "œ": "oe", "đ": "d",
}

#: Role mailboxes per language (the part before "@").
ROLE_MAILBOXES: dict[str, tuple[str, ...]] = {
    "en": ("info", "sales", "office", "contact", "hello", "enquiries", "support", "admin", "bookings", "team"),
    "ru": ("info", "sales", "office", "zakaz", "mail", "priem"),
    "de": ("info", "kontakt", "vertrieb", "office", "mail", "service", "buero", "anfrage"),
    "fr": ("contact", "info", "accueil", "commercial", "bonjour"),
    "es": ("info", "contacto", "ventas"),
    "it": ("info", "contatti", "commerciale"),
    "nl": ("info", "contact", "verkoop"),
    "pl": ("biuro", "info", "kontakt"),
    "pt": ("contato", "vendas", "comercial", "atendimento", "info", "financeiro"),
}

#: Words of made-up personal mailboxes that do not follow the name ("sunnyday_77@", "studio.ana@").
NICK_WORDS: tuple[str, ...] = ("sunny", "studio", "design", "photo", "atelier", "travel", "blue", "pro", "the", "mr",
                               "work", "office", "hello", "art", "moto", "coffee", "nord", "max")

#: Personal free-mail domains per language (besides Faker's own list).
FREEMAIL: dict[str, tuple[str, ...]] = {
    "en": ("gmail.com", "outlook.com", "yahoo.com", "icloud.com", "hotmail.co.uk"),
    "ru": ("yandex.ru", "mail.ru", "gmail.com", "bk.ru", "inbox.ru", "rambler.ru"),
    "de": ("gmx.de", "web.de", "t-online.de", "gmail.com", "posteo.de"),
    "fr": ("orange.fr", "free.fr", "gmail.com", "laposte.net", "wanadoo.fr", "sfr.fr"),
    "es": ("gmail.com", "telefonica.net"),
    "it": ("gmail.com", "libero.it", "alice.it"),
    "nl": ("gmail.com", "ziggo.nl", "kpnmail.nl"),
    "pl": ("wp.pl", "onet.pl", "gmail.com", "o2.pl"),
    "pt": ("gmail.com", "hotmail.com", "uol.com.br", "bol.com.br", "terra.com.br", "yahoo.com.br"),
}

#: Registration / tax / licence lines: digit-heavy distractors (OTHER) a model must not take for phones.
#: "#" is replaced by a random digit.
REGISTRATIONS: dict[str, tuple[str, ...]] = {
    "en_US": ("License #########", "NMLS ID ######", "CA DRE #0#######", "EIN ##-#######", "Lic. No. ######",
              "Licensed & Insured"),
    "en_GB": ("Company No. 0#######", "VAT Reg. No. GB ### #### ##", "Registered in England & Wales No. 0#######",
              "VAT No. GB#########", "FCA No. ######"),
    "ru_RU": ("ИНН 77########", "ОГРН 10277########", "ИНН/КПП 77########/77##01001", "ОКПО ########",
              "р/с 40702810##############", "БИК 044525###"),
    "de_DE": ("USt-IdNr.: DE#########", "HRB ##### Amtsgericht München", "Steuer-Nr. ###/###/#####",
              "Amtsgericht Berlin HRB ######", "USt-ID DE #########"),
    "fr_FR": ("SIRET ### ### ### #####", "RCS Paris B ### ### ###", "TVA FR## #########", "Capital de 10 000 €",
              "SIREN ### ### ###", "N° ORIAS ########"),
    "es_ES": ("NIF B########", "CIF A########"),
    "it_IT": ("P.IVA ###########", "C.F. ###########", "REA MI-#######"),
    "nl_NL": ("KvK ########", "BTW NL#########B01"),
    "pl_PL": ("NIP ###-###-##-##", "REGON #########", "KRS 000#######"),
    "pt_BR": ("CNPJ ##.###.###/0001-##", "CNPJ: ##.###.###/0001-##", "CRECI ######-J", "OAB/SP ###.###"),
}

#: Opening hours: more digit-heavy distractors.
HOURS: dict[str, tuple[str, ...]] = {
    "en": ("Mon–Fri 9am–6pm", "Mon-Fri: 8:30 - 17:30", "Open 7 days 10:00–22:00", "By appointment only"),
    "ru": ("Пн–Пт 9:00–18:00", "Пн-Пт с 10:00 до 19:00", "Ежедневно 9:00–21:00", "Круглосуточно"),
    "de": ("Mo–Fr 8:00–17:00 Uhr", "Mo.-Fr. 9-18 Uhr", "Termine nach Vereinbarung"),
    "fr": ("Lun–Ven 9h–18h", "Du lundi au vendredi 9h-12h / 14h-18h", "Sur rendez-vous"),
    "es": ("Lun–Vie 9:00–18:00",),
    "it": ("Lun–Ven 9:00–18:00",),
    "nl": ("Ma–Vr 9:00–17:30",),
    "pl": ("Pn–Pt 8:00–16:00",),
    "pt": ("Seg–Sex 8h–18h", "Segunda a sexta, 9h às 18h"),
}

#: Messenger / social handles: OTHER (not a schema field; not a web address we would store).
HANDLES: tuple[str, ...] = ("Skype: {user}", "Telegram: @{user}", "@{user}", "Twitter: @{user}", "Instagram @{user}",
                            "WeChat: {user}", "in/{user}")
