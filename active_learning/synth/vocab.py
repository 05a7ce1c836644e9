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
    # further countries of the same languages: their phones are mostly printed without the
    # country code, so their cards carry the region the way real ones do (ccTLD, address)
    "en_AU": ("en", "AU", (".com.au", ".com.au", ".com", ".net.au"), ("Australia",)),
    "en_CA": ("en", "CA", (".ca", ".ca", ".com"), ("Canada",)),
    "en_IN": ("en", "IN", (".in", ".co.in", ".com"), ("India",)),
    "en_NZ": ("en", "NZ", (".co.nz", ".co.nz", ".nz", ".com"), ("New Zealand",)),
    "en_IE": ("en", "IE", (".ie", ".ie", ".com"), ("Ireland",)),
    "de_AT": ("de", "AT", (".at", ".at", ".com"), ("Österreich", "Austria")),
    "de_CH": ("de", "CH", (".ch", ".ch", ".com"), ("Schweiz", "Switzerland")),
    "fr_CH": ("fr", "CH", (".ch", ".ch", ".com"), ("Suisse",)),
    "fr_CA": ("fr", "CA", (".ca", ".qc.ca", ".com"), ("Canada",)),
    "nl_BE": ("nl", "BE", (".be", ".be", ".com"), ("België", "Belgium")),
    "es_MX": ("es", "MX", (".com.mx", ".mx", ".com"), ("México",)),
    "es_AR": ("es", "AR", (".com.ar", ".com.ar", ".com"), ("Argentina",)),
    "es_CO": ("es", "CO", (".com.co", ".com.co", ".com"), ("Colombia",)),
    "es_CL": ("es", "CL", (".cl", ".cl", ".com"), ("Chile",)),
    "pt_PT": ("pt", "PT", (".pt", ".pt", ".com"), ("Portugal",)),
}

#: Top-level domains sold to anyone: a card's e-mail or web address under one says nothing of its country.
GENERIC_TLDS = frozenset({".com", ".net", ".org", ".io", ".co", ".eu", ".info"})

#: Default mixture: the five evaluation locales dominate; the others add Latin-script variety.
LOCALE_WEIGHTS: dict[str, float] = {
    "en_US": 0.21, "en_GB": 0.14, "ru_RU": 0.21, "de_DE": 0.15, "fr_FR": 0.15,
    "es_ES": 0.035, "it_IT": 0.035, "nl_NL": 0.035, "pl_PL": 0.035, "pt_BR": 0.035,
    "en_AU": 0.012, "en_CA": 0.012, "en_IN": 0.012, "en_NZ": 0.012, "en_IE": 0.012, "de_AT": 0.012, "de_CH": 0.012,
    "fr_CH": 0.012, "fr_CA": 0.012, "nl_BE": 0.012, "es_MX": 0.012, "es_AR": 0.012, "es_CO": 0.012, "es_CL": 0.012,
    "pt_PT": 0.012,
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
    "es": {
        "office": ("Tel.:", "Teléfono:", "T.", "Tel:", "Tfno.:", "Tel/Fax:", "Fijo:", "Oficina:"),
        "mobile": ("Móvil:", "Móv.:", "M.", "Cel.:", "Celular:", "WhatsApp:", "Whatsapp", "Cel"),
        "fax": ("Fax:", "Fax", "F."),
        "email": ("Email:", "Correo:", "E.", "E-mail:", "Correo electrónico:", "Mail:"),
        "website": ("Web:", "Sitio web:", "www:", "W."),
        "address": ("Dirección:", "Dir.:", "Domicilio:", "Oficina:"),
    },
    "it": {
        "office": ("Tel.", "Tel:", "T.", "Telefono:", "Tel. ufficio:", "Tel/Fax:", "Ufficio:"),
        "mobile": ("Cell.", "Cellulare:", "M.", "Cell:", "Mob.", "WhatsApp:"),
        "fax": ("Fax", "Fax:", "F."),
        "email": ("Email:", "E-mail:", "E.", "Mail:", "Posta:"),
        "website": ("Web:", "Sito:", "Sito web:", "www:"),
        "address": ("Indirizzo:", "Sede:", "Sede legale:", "Sede operativa:"),
    },
    "nl": {"office": ("Tel:", "T", "Telefoon:", "T:", "Tel.:"), "mobile": ("Mob:", "M", "Mobiel:", "GSM:", "M:"),
           "fax": ("Fax:", "F", "F:"), "email": ("E-mail:", "E", "E:", "Mail:"), "website": ("Web:", "W", "Website:", "I:"),
           "address": ("Adres:", "Bezoekadres:", "Kantoor:")},
    "pl": {"office": ("Tel.:", "Tel:", "T:", "Telefon:", "Tel./fax:"), "mobile": ("Kom.:", "Tel. kom.:", "M:", "Komórka:", "GSM:"),
           "fax": ("Faks:", "Fax:", "F:"), "email": ("E-mail:", "Email:", "E:", "Poczta:"), "website": ("WWW:", "Web:", "www:", "Strona:"),
           "address": ("Adres:", "Siedziba:", "Biuro:")},
    "pt": {"office": ("Tel.:", "Tel:", "Fone:", "Telefone:", "T.", "Fones:", "Tel/Fax:", "Fone/Fax:", "PABX:", "Fixo:"),
           "mobile": ("Cel.:", "Celular:", "Cel", "WhatsApp:", "C.", "Whats:", "Cel./WhatsApp:"),
           "fax": ("Fax:", "Fax", "F."), "email": ("E-mail:", "Email:", "E.", "e-mail:"),
           "website": ("Site:", "Web:", "www:", "Website:"),
           "address": ("Endereço:", "End.:", "Loja:")},
}

#: Labels of a locale whose words differ from its language's (European Portuguese: "Telemóvel").
LABELS_BY_LOCALE: dict[str, dict[str, tuple[str, ...]]] = {
    "pt_PT": {"office": ("Tel.:", "Tel:", "Telefone:", "T.", "T:", "Tel./Fax:"),
              "mobile": ("Tlm.:", "Telemóvel:", "Tlm:", "M.", "Móvel:"),
              "fax": ("Fax:", "Fax", "F."), "email": ("E-mail:", "Email:", "E.", "Correio electrónico:"),
              "website": ("Web:", "Site:", "www:", "W."),
              "address": ("Morada:", "Sede:", "Endereço:")},
}


def labels_for(locale: str) -> dict[str, tuple[str, ...]]:
    """Contact labels (by kind) of ``locale``: its own where it has them, else its language's."""
    return LABELS_BY_LOCALE.get(locale) or LABELS[LOCALES[locale][0]]

#: Labels printed before a number that takes WhatsApp messages (beside or instead of a drawn mark).
WHATSAPP_LABELS: tuple[str, ...] = ("WhatsApp:", "WhatsApp", "Whats:", "WhatsApp/Cel:", "WA:")

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
    "en_AU": ("{} Pty Ltd", "{} Pty. Ltd.", "{} Group", "{}", "{} & Co."),
    "en_CA": ("{} Inc.", "{} Ltd.", "{} Corp.", "{} Group", "{}"),
    "en_IN": ("{} Pvt. Ltd.", "{} Private Limited", "{} Ltd.", "{} Group", "{}", "{} & Associates"),
    "en_NZ": ("{} Ltd", "{} Limited", "{} Group", "{}"),
    "en_IE": ("{} Ltd", "{} Limited", "{} DAC", "{} Group", "{}"),
    "de_AT": ("{} GmbH", "{} AG", "{} KG", "{} e.U.", "{} OG", "{}"),
    "de_CH": ("{} AG", "{} GmbH", "{} Sàrl", "{}", "{} Gruppe"),
    "fr_CH": ("{} SA", "{} Sàrl", "{} Sarl", "Groupe {}", "{}"),
    "fr_CA": ("{} inc.", "{} ltée", "Groupe {}", "{}"),
    "nl_BE": ("{} BV", "{} NV", "{} bvba", "{} Groep", "{}"),
    "es_MX": ("{} S.A. de C.V.", "{} S. de R.L.", "Grupo {}", "{}"),
    "es_AR": ("{} S.A.", "{} S.R.L.", "{} SRL", "Grupo {}", "{}"),
    "es_CO": ("{} S.A.S.", "{} S.A.", "{} Ltda.", "Grupo {}", "{}"),
    "es_CL": ("{} SpA", "{} Ltda.", "{} S.A.", "{}"),
    "pt_PT": ("{} Lda.", "{} Lda", "{} S.A.", "{} Unipessoal Lda.", "Grupo {}", "{}"),
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
    "pt_BR": ("CNPJ ##.###.###/0001-##", "CNPJ: ##.###.###/0001-##", "CRECI ######-J", "OAB/SP ###.###",
              "ID ##*##*#####", "ID. ##*###*####", "CREA ######/D", "CPF ###.###.###-##"),
    "en_AU": ("ABN ## ### ### ###", "ACN ### ### ###", "Licence No. ######"),
    "en_CA": ("BN ######### RT0001", "GST/HST #########RT0001", "Lic. #######"),
    "en_IN": ("GSTIN: ##AAACB####C1Z#", "CIN: U#####MH20##PTC######", "PAN: AAACB####C"),
    "en_NZ": ("NZBN 94290########", "GST ###-###-###"),
    "en_IE": ("CRO No. ######", "VAT No. IE#######A"),
    "de_AT": ("UID: ATU########", "FN ######a", "Firmenbuch FN ######x"),
    "de_CH": ("UID CHE-###.###.###", "MWST CHE-###.###.### MWST", "CHE-###.###.### HR"),
    "fr_CH": ("IDE CHE-###.###.###", "TVA CHE-###.###.### TVA"),
    "fr_CA": ("NEQ ##########", "TPS ######### RT0001", "Permis RBQ ####-####-##"),
    "nl_BE": ("BTW BE 0###.###.###", "KBO 0###.###.###", "RPR ####.###.###"),
    "es_MX": ("RFC: AAA######AA#", "R.F.C. AAA######XX#"),
    "es_AR": ("CUIT 30-########-#", "C.U.I.T. 20-########-#", "IIBB ##-######-#"),
    "es_CO": ("NIT ###.###.###-#", "NIT: #########-#"),
    "es_CL": ("RUT ##.###.###-#", "R.U.T. ##.###.###-#"),
    "pt_PT": ("NIF ### ### ###", "NIPC ###### ###", "Alvará n.º #####"),
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

#: Small businesses (a shop, a workshop, a restaurant) and what each lists under its name. Shop
#: cards often print no person, a line or a list of services, several numbers and the shop's
#: street with a landmark. "{}" in a kind is the owner's name or a brand word.
SHOPS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "en": (("{} Auto Repair", ("Brakes & Suspension", "Oil Change", "Engine Diagnostics", "Tyres & Alignment", "MOT & Servicing")),
           ("{} Flowers", ("Weddings & Events", "Same-day Delivery", "Sympathy Arrangements", "Gifts & Plants")),
           ("{} Bakery", ("Fresh Bread Daily", "Custom Cakes", "Catering & Events", "Coffee & Pastries")),
           ("{} Plumbing", ("Emergency Repairs 24/7", "Bathrooms & Kitchens", "Boilers & Heating", "Free Estimates")),
           ("{} Hair Studio", ("Cuts & Colour", "Bridal Styling", "Barber Services", "Walk-ins Welcome")),
           ("{} Carpentry", ("Custom Cabinets", "Decks & Fences", "Remodeling", "Licensed & Insured"))),
    "ru": (("Автосервис «{}»", ("Ремонт двигателей", "Шиномонтаж", "Диагностика", "Кузовной ремонт", "Замена масла")),
           ("Цветы «{}»", ("Свадебные букеты", "Доставка цветов", "Оформление праздников", "Комнатные растения")),
           ("Пекарня «{}»", ("Свежий хлеб каждый день", "Торты на заказ", "Кофе с собой")),
           ("Салон красоты «{}»", ("Стрижки и окрашивание", "Маникюр и педикюр", "Косметология")),
           ("Мастерская «{}»", ("Ремонт обуви", "Изготовление ключей", "Ремонт часов"))),
    "de": (("Autowerkstatt {}", ("Inspektion & Wartung", "Reifenservice", "Unfallinstandsetzung", "HU/AU", "Klimaservice")),
           ("Blumen {}", ("Hochzeitsfloristik", "Trauerfloristik", "Lieferservice", "Pflanzen & Geschenke")),
           ("Bäckerei {}", ("Täglich frisches Brot", "Torten auf Bestellung", "Frühstück & Kaffee")),
           ("Friseur {}", ("Schnitt & Farbe", "Brautfrisuren", "Herren & Kinder")),
           ("Schreinerei {}", ("Möbel nach Maß", "Innenausbau", "Fenster & Türen", "Reparaturen"))),
    "fr": (("Garage {}", ("Mécanique générale", "Carrosserie", "Pneus & géométrie", "Entretien toutes marques")),
           ("Fleurs {}", ("Mariages & événements", "Livraison à domicile", "Deuil", "Plantes & cadeaux")),
           ("Boulangerie {}", ("Pains au levain", "Pâtisserie maison", "Traiteur")),
           ("Salon {}", ("Coupe & couleur", "Coiffure mariage", "Barbier")),
           ("Menuiserie {}", ("Agencement intérieur", "Fenêtres & portes", "Escaliers sur mesure"))),
    "es": (("Taller {}", ("Mecánica general", "Frenos y suspensión", "Cambio de aceite", "Diagnóstico electrónico")),
           ("Floristería {}", ("Ramos de novia", "Envíos a domicilio", "Coronas y centros", "Plantas")),
           ("Panadería {}", ("Pan artesano", "Tartas por encargo", "Bollería")),
           ("Peluquería {}", ("Corte y color", "Peinados de novia", "Barbería")),
           ("Ferretería {}", ("Herramientas", "Cerrajería", "Pinturas", "Material eléctrico"))),
    "it": (("Officina {}", ("Meccanica", "Gommista", "Elettrauto", "Revisioni", "Carrozzeria")),
           ("Fiori {}", ("Matrimoni ed eventi", "Consegna a domicilio", "Piante e regali")),
           ("Panificio {}", ("Pane fresco ogni giorno", "Torte su ordinazione", "Pasticceria")),
           ("Parrucchiere {}", ("Taglio e colore", "Acconciature sposa", "Barbiere")),
           ("Falegnameria {}", ("Mobili su misura", "Infissi", "Restauro"))),
    "nl": (("Garage {}", ("Onderhoud & APK", "Banden", "Schadeherstel")),
           ("Bloemen {}", ("Bruidswerk", "Rouwwerk", "Bezorging")),
           ("Bakkerij {}", ("Dagelijks vers brood", "Taarten op bestelling")),
           ("Kapsalon {}", ("Knippen & kleuren", "Barbier"))),
    "pl": (("Warsztat {}", ("Mechanika pojazdowa", "Wulkanizacja", "Diagnostyka komputerowa")),
           ("Kwiaciarnia {}", ("Bukiety ślubne", "Wieńce", "Dostawa do domu")),
           ("Piekarnia {}", ("Pieczywo codziennie świeże", "Torty na zamówienie")),
           ("Salon fryzjerski {}", ("Strzyżenie i koloryzacja", "Fryzury ślubne"))),
    "pt": (("Auto Peças {}", ("Peças nacionais e importadas", "Acessórios", "Entregamos em domicílio", "Linha leve e pesada")),
           ("Mecânica {}", ("Funilaria e pintura", "Suspensão e freios", "Injeção eletrônica", "Troca de óleo", "Alinhamento e balanceamento")),
           ("Ótica {}", ("Óculos de grau e de sol", "Lentes de contato", "Exame de vista", "Consertos em geral")),
           ("Floricultura {}", ("Arranjos para festas", "Buquês de noiva", "Coroas de flores", "Entregamos")),
           ("Buffet {}", ("Festas infantis", "Casamentos", "Aniversários", "Eventos corporativos")),
           ("Restaurante {}", ("Comida caseira", "Self-service", "Marmitex", "Aceitamos encomendas")),
           ("Salão {}", ("Cabelo, manicure e pedicure", "Escova progressiva", "Depilação", "Maquiagem")),
           ("Refrigeração {}", ("Geladeiras e freezers", "Ar condicionado", "Máquinas de lavar", "Conserto e manutenção")),
           ("Aluguel de Trajes {}", ("Vestidos de noiva", "Ternos e smokings", "Roupas de festa")),
           ("Informática {}", ("Manutenção de computadores", "Redes e servidores", "Suporte técnico"))),
}

#: Landmarks printed after a shop's street ("Próximo ao Metrô"), part of the address as printed.
LANDMARKS: dict[str, tuple[str, ...]] = {
    "en": ("(next to {place})", "opposite {place}", "(near {place})"),
    "ru": ("(рядом с {place})", "напротив {place}", "(вход со двора)"),
    "de": ("(gegenüber {place})", "(neben {place})", "(Eingang Hofseite)"),
    "fr": ("(face à {place})", "(à côté de {place})", "(près de {place})"),
    "es": ("(frente a {place})", "(junto a {place})", "(cerca de {place})"),
    "it": ("(di fronte a {place})", "(vicino a {place})"),
    "nl": ("(naast {place})", "(tegenover {place})"),
    "pl": ("(obok {place})", "(naprzeciwko {place})"),
    "pt": ("(Próximo ao {place})", "(Próx. ao {place})", "Próximo a {place}", "(em frente ao {place})", "(ao lado do {place})"),
}

#: Places a landmark names.
LANDMARK_PLACES: dict[str, tuple[str, ...]] = {
    "en": ("the Town Hall", "the station", "Main Street Mall", "the post office"),
    "ru": ("ТЦ «Европа»", "метро", "рынка", "почты"),
    "de": ("dem Bahnhof", "Rathaus", "der Post", "dem Marktplatz"),
    "fr": ("la mairie", "la gare", "la poste", "l'église"),
    "es": ("la estación", "el mercado", "la plaza", "el ayuntamiento"),
    "it": ("la stazione", "il municipio", "la piazza"),
    "nl": ("het station", "het stadhuis", "de markt"),
    "pl": ("dworca", "poczty", "rynku"),
    "pt": ("Metrô", "Shopping", "Mercado Municipal", "Terminal", "Hospital", "Posto de Saúde"),
}

#: Headings of a list of a business's shops or offices ("Lojas:").
BRANCH_HEADINGS: dict[str, tuple[str, ...]] = {
    "en": ("Locations:", "Our stores:", "Branches:"), "ru": ("Наши магазины:", "Филиалы:", "Адреса:"),
    "de": ("Filialen:", "Standorte:"), "fr": ("Nos boutiques :", "Agences :"), "es": ("Tiendas:", "Sucursales:"),
    "it": ("Punti vendita:", "Sedi:"), "nl": ("Vestigingen:", "Winkels:"), "pl": ("Sklepy:", "Oddziały:"),
    "pt": ("Lojas:", "Filiais:", "Unidades:"),
}

#: Free-mail domains of the countries that share a language with a bigger one (a Portuguese card
#: prints sapo.pt, not the Brazilian uol.com.br); the others use ``FREEMAIL`` of their language.
FREEMAIL_BY_LOCALE: dict[str, tuple[str, ...]] = {
    "en_US": ("gmail.com", "outlook.com", "yahoo.com", "icloud.com", "aol.com", "verizon.net"),
    "en_AU": ("bigpond.com", "gmail.com", "outlook.com", "optusnet.com.au"),
    "en_CA": ("gmail.com", "rogers.com", "shaw.ca", "hotmail.com"),
    "en_IN": ("gmail.com", "rediffmail.com", "yahoo.co.in"),
    "en_NZ": ("xtra.co.nz", "gmail.com"), "en_IE": ("eircom.net", "gmail.com"),
    "de_AT": ("gmx.at", "aon.at", "gmail.com"), "de_CH": ("bluewin.ch", "gmx.ch", "gmail.com"),
    "fr_CH": ("bluewin.ch", "gmail.com"), "fr_CA": ("videotron.ca", "gmail.com", "hotmail.com"),
    "nl_BE": ("telenet.be", "skynet.be", "gmail.com"),
    "es_MX": ("gmail.com", "hotmail.com", "prodigy.net.mx"), "es_AR": ("gmail.com", "hotmail.com", "fibertel.com.ar"),
    "es_CO": ("gmail.com", "hotmail.com"), "es_CL": ("gmail.com", "vtr.net"),
    "pt_PT": ("sapo.pt", "gmail.com", "hotmail.com"),
}


def freemail(locale: str) -> tuple[str, ...]:
    """Personal free-mail domains a card of ``locale`` prints."""
    return FREEMAIL_BY_LOCALE.get(locale) or FREEMAIL[LOCALES[locale][0]]

#: One label before several numbers printed on one line ("Fones: 11 2082-2399 / 2646-6123").
SHARED_PHONE_LABELS: dict[str, tuple[str, ...]] = {
    "en": ("Tel:", "Phone:", "Call:", "Tel."), "ru": ("Тел.:", "Телефоны:", "Тел."), "de": ("Tel.:", "Telefon:", "Fon:"),
    "fr": ("Tél. :", "Tél :", "Téléphones :"), "es": ("Tels.:", "Teléfonos:", "Tel.:"), "it": ("Tel.", "Telefoni:"),
    "nl": ("Tel:", "Telefoon:"), "pl": ("Tel.:", "Telefony:"), "pt": ("Fones:", "Fones", "Tels.:", "Telefones:", "Fone:"),
}

#: The largest towns of a country (with their state or province where the address prints one):
#: most businesses are in them, and Faker's invented town names ("San Elsa los altos") are not.
#: Used for a share of the addresses of these locales (``content.BIG_CITY_SHARE``).
BIG_CITIES: dict[str, tuple[tuple[str, str | None], ...]] = {
    "pt_BR": (("São Paulo", "SP"), ("São Paulo", "SP"), ("São Paulo", "SP"), ("Rio de Janeiro", "RJ"), ("Belo Horizonte", "MG"),
              ("Curitiba", "PR"), ("Porto Alegre", "RS"), ("Campinas", "SP"), ("Guarulhos", "SP"), ("Salvador", "BA"),
              ("Brasília", "DF"), ("Santo André", "SP"), ("Recife", "PE"), ("Fortaleza", "CE")),
    "es_MX": (("Ciudad de México", "CDMX"), ("Guadalajara", "JAL"), ("Monterrey", "NL"), ("Puebla", "PUE"),
              ("Querétaro", "QRO"), ("Tijuana", "BC"), ("Mérida", "YUC"), ("León", "GTO")),
    "es_AR": (("Buenos Aires", None), ("Córdoba", None), ("Rosario", None), ("Mendoza", None), ("La Plata", None)),
    "es_CO": (("Bogotá", None), ("Medellín", None), ("Cali", None), ("Barranquilla", None), ("Cartagena", None),
              ("Bucaramanga", None)),
    "es_CL": (("Santiago", None), ("Valparaíso", None), ("Concepción", None), ("Viña del Mar", None), ("Antofagasta", None)),
    "en_AU": (("Sydney", "NSW"), ("Melbourne", "VIC"), ("Brisbane", "QLD"), ("Perth", "WA"), ("Adelaide", "SA"),
              ("Canberra", "ACT")),
    "en_CA": (("Toronto", "ON"), ("Montreal", "QC"), ("Vancouver", "BC"), ("Calgary", "AB"), ("Ottawa", "ON"),
              ("Edmonton", "AB")),
    "fr_CA": (("Montréal", "QC"), ("Québec", "QC"), ("Laval", "QC"), ("Gatineau", "QC"), ("Sherbrooke", "QC")),
    "en_IN": (("Mumbai", None), ("New Delhi", None), ("Bengaluru", None), ("Chennai", None), ("Hyderabad", None),
              ("Pune", None), ("Kolkata", None)),
    "en_NZ": (("Auckland", None), ("Wellington", None), ("Christchurch", None), ("Hamilton", None), ("Dunedin", None)),
    "en_IE": (("Dublin", None), ("Cork", None), ("Galway", None), ("Limerick", None)),
    "de_AT": (("Wien", None), ("Graz", None), ("Linz", None), ("Salzburg", None), ("Innsbruck", None)),
    "de_CH": (("Zürich", None), ("Basel", None), ("Bern", None), ("Luzern", None), ("St. Gallen", None)),
    "fr_CH": (("Genève", None), ("Lausanne", None), ("Neuchâtel", None), ("Fribourg", None), ("Sion", None)),
    "nl_BE": (("Antwerpen", None), ("Gent", None), ("Brussel", None), ("Leuven", None), ("Brugge", None)),
    "pt_PT": (("Lisboa", None), ("Porto", None), ("Braga", None), ("Coimbra", None), ("Faro", None), ("Aveiro", None)),
}
