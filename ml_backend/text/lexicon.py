"""Word lists that tell a company from a person from a job title, in the card locales we serve.

One lexicon feeds both the spaCy EntityRuler of the validator and the regex baseline, so the two
systems differ in *how* they use the cues, never in which cues they know.  Words are lower-case;
``*_STEMS`` are prefixes (Russian inflects titles: "директора", "менеджером") or suffixes
(German compounds: "Vertriebsleiter", "Projektingenieurin").
"""

from __future__ import annotations

from ml_backend.text.addresses import (
    RUSSIAN_BUILDING_PARTS,
    RUSSIAN_SETTLEMENT_TYPES,
    RUSSIAN_STREET_TYPES,
)

#: Russian legal forms ("ООО «Вектор»"): in any case, and those that are also words ("ао", "ип")
#: in capitals only.
_RUSSIAN_LEGAL_FORMS_ANY_CASE = ("ооо", "оао", "зао", "пао", "нао", "нко", "ано", "фгуп", "гуп", "муп", "тоо", "нпо", "рао")
_RUSSIAN_LEGAL_FORMS_CAPS = ("АО", "ИП")
#: The Russian legal forms in capitals, as a company name opens with them.
RUSSIAN_LEGAL_FORMS: tuple[str, ...] = (*(f.upper() for f in _RUSSIAN_LEGAL_FORMS_ANY_CASE), *_RUSSIAN_LEGAL_FORMS_CAPS)
#: What a Russian company name may open with: a legal form, or "ГК" (группа компаний), which
#: stands where one does.
RUSSIAN_NAME_OPENERS: tuple[str, ...] = (*RUSSIAN_LEGAL_FORMS, "ГК")

#: Legal-form suffixes and prefixes: a strong sign that a text is a company name (any case).
COMPANY_LEGAL_FORMS: frozenset[str] = frozenset({
    # en / international
    "inc", "inc.", "incorporated", "llc", "l.l.c.", "ltd", "ltd.", "limited", "plc", "corp", "corp.",
    "corporation", "llp", "pty", "pty.",
    # de / at / ch
    "gmbh", "e.v.", "e.k.", "e.g.", "kgaa", "mbh",
    # fr / be / es / it / nl / pl
    "sarl", "s.a.r.l.", "s.a.s.", "s.a.", "sasu", "eurl", "srl", "s.r.l.", "s.p.a.", "b.v.", "n.v.",
    "a/s", "s.l.", "s.l.u.", "sp.", "o.o.",
    # pt (Brazil): "Ltda." (limitada), "EIRELI", "S/A", "S/C" (sociedade civil)
    "ltda", "ltda.", "eireli", "s/a", "s/c",
    # ru (Cyrillic); "инк"/"лтд" are transliterations seen on Russian cards
    *_RUSSIAN_LEGAL_FORMS_ANY_CASE, "инк", "лтд",
})
#: Legal forms that are also ordinary words or surnames ("Sas", "Sa", "Ag"): they count only
#: when printed in capitals, as companies print them.
COMPANY_LEGAL_FORMS_CAPS: frozenset[str] = frozenset({
    "AG", "KG", "OHG", "UG", "GBR", "GbR", "SA", "SAS", "SCI", "SNC", "SPA", "SpA", "BV", "NV", "OY", "SL",
    *_RUSSIAN_LEGAL_FORMS_CAPS,
})


#: Latin legal forms some cards print before the company's name, Russian style ("LLC «Vector»",
#: "GmbH ..."): a speck read as a digit before one is no part of the name (``values.plain``).
LEGAL_FORMS_OPENING_A_NAME: tuple[str, ...] = ("llc", "ltd", "gmbh", "sarl", "sas")
#: Latin legal forms a letter-spaced font glues to the name before it ("TERRAPLC", "JONESINC"):
#: the short ones count after three letters of the name, the long ones after five ("Zinc" is no
#: "Z inc"; ``values.plain``).
GLUED_LEGAL_FORMS_SHORT: tuple[str, ...] = ("plc", "llc", "llp", "ltd", "inc", "gmbh")
GLUED_LEGAL_FORMS_LONG: tuple[str, ...] = ("corp", "corporation", "limited")


def is_legal_form(word: str) -> bool:
    """Whether one word is a legal form: in any case where it can be nothing else ("Ltd",
    "ооо"), in capitals only where it is also an ordinary word or a surname ("SA", "AG", "АО")."""
    return word.lower() in COMPANY_LEGAL_FORMS or word in COMPANY_LEGAL_FORMS_CAPS


#: Words frequent in company names but also possible elsewhere: a weaker company cue.
COMPANY_WORDS: frozenset[str] = frozenset({
    "company", "group", "holding", "holdings", "technologies", "technology", "tech", "solutions", "systems",
    "consulting", "labs", "lab", "partners", "associates", "industries", "international", "bank",
    "studio", "agency", "services", "software", "enterprises", "ventures", "capital", "media",
    "logistics", "trading", "networks", "analytics", "university", "institute", "sons", "brothers",
    "design", "marketing", "engineering", "construction", "realty", "law", "clinic", "hotel",
    "energy", "properties",
    "группа", "гк", "компания", "холдинг", "партнеры", "партнёры", "банк", "завод", "студия", "агентство", "технологии",
    "системы", "решения", "консалтинг", "институт", "университет",
    "gruppe", "technik", "werke", "bau", "beratung", "dienstleistungen", "verlag", "logistik", "immobilien",
    "energie", "medien",
    "groupe", "société", "societe", "conseil", "cabinet", "entreprise", "associés", "logistique", "immobilier",
    "énergie", "informatique",
    "grupo", "grupa", "groep", "studio",
    # trades: what a shop, a workshop or a restaurant is ("Boulangerie Bonnet", "FRISEUR WIELOCH"), in the
    # languages we read; words that are also surnames or job titles ("Baker", "Koch", "Müller") are left out
    "bakery", "cafe", "café", "restaurant", "bistro", "pizzeria", "pharmacy", "florist", "boutique", "barbershop",
    "hairdressers", "laundry", "opticians", "catering", "plumbing", "locksmiths", "garage", "motors", "salon",
    "bäckerei", "konditorei", "friseur", "friseursalon", "metzgerei", "fleischerei", "apotheke", "autowerkstatt",
    "werkstatt", "gaststätte", "blumenladen", "optik", "reinigung", "schreinerei", "tischlerei", "buchhandlung",
    "boulangerie", "pâtisserie", "patisserie", "boucherie", "charcuterie", "fromagerie", "pharmacie", "coiffure",
    "fleuriste", "librairie", "épicerie", "epicerie", "traiteur", "brasserie", "bistrot", "pressing", "optique",
    "cordonnerie", "plomberie", "menuiserie",
    "panadería", "panaderia", "pastelería", "carnicería", "farmacia", "peluquería", "taller", "floristería",
    "librería", "ferretería", "restaurante", "cafetería", "óptica", "lavandería",
    "panificio", "panetteria", "pasticceria", "macelleria", "parrucchiere", "officina", "fioraio", "ferramenta",
    "ristorante", "trattoria", "osteria", "ottica", "lavanderia", "gelateria",
    "padaria", "confeitaria", "açougue", "farmácia", "cabeleireiro", "floricultura", "livraria", "lanchonete",
    "ótica", "optica", "otica", "mecânica", "mecanica", "funilaria", "borracharia", "eletrônica", "papelaria",
    "pizzaria", "buffet",
    "bakkerij", "slagerij", "apotheek", "kapsalon", "bloemist", "boekhandel",
    "piekarnia", "apteka", "warsztat", "kwiaciarnia", "księgarnia", "restauracja", "kawiarnia",
    "пекарня", "булочная", "аптека", "парикмахерская", "автосервис", "ателье", "кафе", "ресторан", "мастерская",
    "химчистка", "оптика",
})

#: Job-title words (whole tokens).
TITLE_WORDS: frozenset[str] = frozenset({
    # en
    "director", "manager", "engineer", "developer", "ceo", "cto", "cfo", "coo", "cmo", "cio", "vp",
    "founder", "co-founder", "cofounder", "president", "chairman", "chair", "head", "lead", "officer",
    "consultant", "analyst", "designer", "architect", "specialist", "coordinator", "assistant",
    "partner", "owner", "accountant", "attorney", "lawyer", "executive", "administrator",
    "representative", "advisor", "adviser", "scientist", "researcher", "professor", "agent", "chief",
    "supervisor", "intern", "associate", "principal", "programmer", "technician", "editor",
    "secretary", "recruiter", "strategist", "producer", "planner", "buyer", "auditor", "counsel",
    "surveyor", "teacher", "tutor", "nurse", "physician", "dentist", "pharmacist", "therapist",
    "solicitor", "realtor", "broker", "barrister", "notary",
    # de
    "geschäftsführer", "geschäftsführerin", "leiter", "leiterin", "direktor", "direktorin",
    "ingenieur", "ingenieurin", "berater", "beraterin", "entwickler", "entwicklerin", "vorstand",
    "inhaber", "inhaberin", "prokurist", "prokuristin", "referent", "referentin", "assistent",
    "assistentin", "sachbearbeiter", "sachbearbeiterin", "vertrieb", "mitarbeiter", "mitarbeiterin",
    "architekt", "architektin", "kaufmann", "kauffrau", "rechtsanwalt", "rechtsanwältin", "makler",
    "maklerin", "steuerberater", "steuerberaterin",
    # fr
    "directeur", "directrice", "ingénieur", "ingénieure", "gérant", "gérante", "responsable", "chef",
    "chargé", "chargée", "commercial", "commerciale", "consultante", "président", "présidente",
    "fondateur", "fondatrice", "développeur", "développeuse", "conseiller", "conseillère",
    "assistante", "comptable", "avocat", "avocate", "technicien", "technicienne", "associé",
    "associée", "analyste", "chercheur", "chercheuse", "architecte", "expert-comptable", "notaire",
    # es / it / nl / pl: the commonest, so that unseen locales are not blind
    "gerente", "consultor", "abogado", "arquitecto", "fundador", "director", "direttore", "amministratore",
    "responsabile", "consulente", "avvocato", "architetto", "titolare", "adviseur", "eigenaar",
    "prezes", "dyrektor", "kierownik", "konsultant", "właściciel", "specjalista",
    # ru nouns whose plural is a company word ("Иванов и партнёры"): whole words, not prefixes
    "партнер", "партнёр", "партнера", "партнёра",
})

#: Title prefixes (Russian inflection; adjectives such as "главный" are left out, they also start
#: surnames and never stand without a noun that is listed) and suffixes (German compounds), matched on the lower-cased token.
TITLE_PREFIXES: tuple[str, ...] = (
    "директор", "менеджер", "инженер", "руководител", "начальник", "специалист", "бухгалтер",
    "юрист", "разработчик", "программист", "аналитик", "консультант", "заместител", "президент",
    "основател", "помощник", "секретар", "дизайнер", "архитектор", "координатор", "администратор",
    "представител", "эксперт", "преподавател", "технолог", "экономист", "маркетолог", "адвокат", "риелтор",
    "риэлтор", "нотариус", "владел", "управляющ", "советник",
)
TITLE_SUFFIXES: tuple[str, ...] = (
    "leiter", "leiterin", "führer", "führerin", "ingenieur", "ingenieurin", "entwickler",
    "entwicklerin", "berater", "beraterin", "manager", "managerin", "direktor", "referent", "makler",
    "betreuer", "betreuerin", "mitarbeiter", "mitarbeiterin", "leider",
)
#: Multi-word titles whose words are not titles on their own.
TITLE_PHRASES: tuple[tuple[str, ...], ...] = (
    ("head", "of"), ("vice", "president"), ("chef", "de"), ("account", "executive"),
    ("sales", "representative"),
)

#: Russian street types, usual building parts and the town mark as cards print them: in full,
#: abbreviated with a dot ("ул.", "д.", "г."), or with a hyphen ("пр-т", "б-р").
RUSSIAN_ADDRESS_WORDS: frozenset[str] = frozenset(
    word for row in (*RUSSIAN_STREET_TYPES, *RUSSIAN_BUILDING_PARTS, *RUSSIAN_SETTLEMENT_TYPES) if row.usual
    for word in (row.full, *(a if "-" in a else a + "." for a in row.abbreviations))
)
#: Street and address words: with a digit on the same line they make the baseline call it an address.
STREET_WORDS: frozenset[str] = frozenset({
    "street", "st", "st.", "avenue", "ave", "ave.", "road", "rd", "rd.", "boulevard", "blvd", "lane",
    "ln", "drive", "dr.", "suite", "ste", "floor", "square", "way", "court", "ct", "place", "pl",
    "highway", "parkway", "terrace", "close", "crescent", "row", "mews",
    *RUSSIAN_ADDRESS_WORDS,
    "straße", "strasse", "str.", "weg", "platz", "allee", "gasse", "ring", "damm", "ufer",
    "rue", "boulevard", "bd", "bd.", "allée", "chemin", "quai", "impasse", "cedex", "avenue",
})
#: Street-word suffixes of German compound street names ("Hauptstraße", "Lindenweg").
STREET_SUFFIXES: tuple[str, ...] = ("straße", "strasse", "str.", "weg", "platz", "allee", "gasse", "ring")

#: Country names as addresses print them last ("..., Россия", "..., UK") -> ISO region.
COUNTRY_REGIONS: dict[str, str] = {
    "russia": "RU", "russian federation": "RU", "россия": "RU", "российская федерация": "RU", "рф": "RU",
    "germany": "DE", "deutschland": "DE", "france": "FR",
    "united kingdom": "GB", "uk": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "northern ireland": "GB", "great britain": "GB",
    "united states": "US", "united states of america": "US", "usa": "US", "u.s.a.": "US",
    "spain": "ES", "españa": "ES", "italy": "IT", "italia": "IT",
    "netherlands": "NL", "the netherlands": "NL", "nederland": "NL", "poland": "PL", "polska": "PL",
}
#: Country and city names -> ISO region, to read a phone region off the address.
PLACE_REGIONS: dict[str, str] = {
    **COUNTRY_REGIONS,
    "moscow": "RU", "москва": "RU", "saint petersburg": "RU", "st. petersburg": "RU", "санкт-петербург": "RU",
    "новосибирск": "RU", "екатеринбург": "RU", "казань": "RU",
    "berlin": "DE", "münchen": "DE", "munich": "DE", "hamburg": "DE", "köln": "DE", "frankfurt": "DE",
    "stuttgart": "DE", "düsseldorf": "DE",
    "paris": "FR", "lyon": "FR", "marseille": "FR", "toulouse": "FR", "bordeaux": "FR", "lille": "FR", "nantes": "FR",
    "london": "GB", "manchester": "GB", "birmingham": "GB", "edinburgh": "GB", "glasgow": "GB",
    "new york": "US", "california": "US", "texas": "US", "chicago": "US", "san francisco": "US",
    "madrid": "ES", "barcelona": "ES", "roma": "IT", "milano": "IT", "amsterdam": "NL", "rotterdam": "NL",
    "warszawa": "PL", "kraków": "PL",
}

#: Cities that give a card's phone region away but that the address rules need not know
#: (``PLACE_REGIONS`` also feeds the regex baseline's address finder).
PHONE_REGION_PLACES: dict[str, str] = {
    "são paulo": "BR", "sao paulo": "BR", "rio de janeiro": "BR", "belo horizonte": "BR", "curitiba": "BR",
    "porto alegre": "BR", "brasília": "BR", "campinas": "BR", "lisboa": "PT", "girona": "ES", "valencia": "ES",
    "sevilla": "ES", "bilbao": "ES", "zaragoza": "ES", "málaga": "ES", "wien": "AT", "vienna": "AT",
    "zürich": "CH", "zurich": "CH", "genève": "CH", "bruxelles": "BE", "brussels": "BE", "dublin": "IE",
    "torino": "IT", "napoli": "IT", "firenze": "IT", "bologna": "IT", "marseille": "FR",
}

#: Country-code top-level domains -> ISO region (".co.uk" ends in "uk"): every region
#: libphonenumber knows by its own code, these exceptions aside.
TLD_REGION_EXCEPTIONS: dict[str, str] = {"uk": "GB", "рф": "RU", "su": "RU"}
#: Country codes sold as generic domains ("x.io", "x.co", "x.me", "x.tv"): no evidence of a region.
GENERIC_CCTLDS: frozenset[str] = frozenset({
    "io", "co", "me", "tv", "ai", "ly", "fm", "am", "to", "cc", "ws", "gg", "la", "sh", "ac", "nu", "tk", "so",
    "vc", "gl", "im", "ag", "sc", "mu", "cx", "bz", "pw", "st",
})

#: Words whose language or legal system gives a card's country away: labels ("Tél.", "Handy"),
#: street words and legal forms. Weaker than an address or a +CC number, stronger than nothing.
WORD_REGIONS: dict[str, str] = {
    "tél": "FR", "tél.": "FR", "portable": "FR", "courriel": "FR", "rue": "FR", "cedex": "FR",
    "sarl": "FR", "s.a.r.l.": "FR", "eurl": "FR", "sasu": "FR",
    "handy": "DE", "telefon": "DE", "straße": "DE", "strasse": "DE", "gmbh": "DE", "mobil": "DE",
    "ltd": "GB", "ltd.": "GB", "plc": "GB", "llp": "GB",
    "inc": "US", "inc.": "US", "llc": "US", "corp.": "US",
    "móvil": "ES", "calle": "ES", "s.l.": "ES", "s.l.u.": "ES",
    "cellulare": "IT", "s.r.l.": "IT", "s.p.a.": "IT",
    "straat": "NL", "b.v.": "NL",
    "ulica": "PL", "sp.": "PL", "komórka": "PL",
    # Portuguese words of Brazil's cards (far more of them than Portugal's): "CEP" (postcode),
    # "Fone", "Ltda", "Jd." (Jardim, a district)
    "cep": "BR", "fone": "BR", "ltda": "BR", "ltda.": "BR", "jd.": "BR", "eireli": "BR", "cnpj": "BR",
}

#: Regions a national-format number is tried in when the card's own region rejects it, most
#: likely first (the card locales we serve, then their neighbours).
PHONE_FALLBACK_REGIONS: tuple[str, ...] = ("US", "GB", "DE", "FR", "RU", "ES", "IT", "NL", "PL")

#: Second-level labels a country code follows ("x.co.uk", "x.org.uk"): the British ones, those
#: of our regions' cards. ("x.com de" is a web address and a word.)
SECOND_LEVEL_LABELS: frozenset[str] = frozenset({"co", "org", "ac", "gov", "ltd", "plc", "me", "nhs", "sch"})

#: What OCR reads the "+" of a country code as, right before its first digit
#: ("=44 1249 528659", "T: -33-1 27 75 72 38", "M.-33619770890").
MISREAD_PLUS_SIGNS = "-=÷~*"

#: Words printed between a job title and the company on one line ("Founder at Fox-McCarthy",
#: "Directeur chez Lefebvre", "Директор в «Вектор»", "Head of Acme").
TITLE_COMPANY_CONNECTORS: frozenset[str] = frozenset({"at", "@", "chez", "bei", "bij", "presso", "en", "de", "of", "в"})

#: Words joining several people ("Smith & Jones", "Иванов и партнёры"): a firm, not one person.
NAME_CONJUNCTIONS: frozenset[str] = frozenset({"&", "and", "und", "et", "и"})

#: Honorifics and post-nominal letters printed around a name; not counted as name words.
NAME_AFFIXES: frozenset[str] = frozenset({
    "dr", "dr.", "prof", "prof.", "dipl.-ing.", "dr.-ing.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.",
    "me", "pr", "mme", "mlle", "herr", "frau", "mba", "phd", "ph.d.", "cpa", "cfa", "jr", "jr.",
    "sr", "sr.", "ii", "iii", "esq", "esq.",
})

#: Common top-level domains, the generic ones and those of the countries whose cards we read: a
#: bare "name.tld" on a card is taken as a website only with one of these (short on purpose:
#: "J.Smith" or "St.Petersburg" must not become websites), and a domain OCR read without its
#: dot ("ramblerru") gets it back before one of them.
COMMON_TLDS = frozenset({
    "com", "net", "org", "io", "co", "biz", "info", "app", "dev", "ai", "eu", "uk", "us", "ru", "su", "рф",
    "de", "fr", "ch", "at", "be", "nl", "es", "it", "pl", "se", "no", "dk", "fi", "ie", "ca", "au", "ua",
    "by", "kz", "br", "pt", "mx", "ar", "cl", "in", "nz",
})

#: Words of Russian job titles as cards print them (nominative, and the genitive and
#: instrumental forms that titles use: "Руководитель отдела продаж", "Менеджер по работе с
#: клиентами"). A general list written for business cards, not taken from the card generator:
#: ``known_words.with_known_title_words`` puts right a word OCR misread by one letter.
RUSSIAN_TITLE_WORDS: frozenset[str] = frozenset({
    "директор", "директора", "заместитель", "заместителя", "генеральный", "генерального",
    "исполнительный", "исполнительного", "коммерческий", "коммерческого", "финансовый",
    "финансового", "технический", "технического", "главный", "главного", "ведущий", "ведущего",
    "старший", "старшего", "младший", "руководитель", "руководителя", "начальник", "начальника",
    "менеджер", "менеджера", "специалист", "специалиста", "инженер", "инженера", "программист",
    "разработчик", "аналитик", "консультант", "бухгалтер", "юрист", "юрисконсульт", "экономист",
    "маркетолог", "дизайнер", "архитектор", "администратор", "координатор", "секретарь",
    "помощник", "ассистент", "референт", "эксперт", "аудитор", "технолог", "логист", "оператор",
    "мастер", "механик", "электрик", "водитель", "продавец", "кассир", "врач", "хирург", "терапевт",
    "стоматолог", "педиатр", "кардиолог", "невролог", "офтальмолог", "медсестра", "медицинская",
    "сестра", "фармацевт", "провизор", "биолог", "химик", "физик", "математик", "геолог", "эколог",
    "агроном", "ветеринар", "учитель", "преподаватель", "профессор", "доцент", "научный",
    "сотрудник", "исследователь", "редактор", "корреспондент", "журналист", "фотограф",
    "переводчик", "психолог", "социолог", "адвокат", "нотариус", "риелтор", "риэлтор", "брокер",
    "агент", "представитель", "партнёр", "управляющий", "владелец", "основатель",
    "сооснователь", "президент", "председатель", "правления", "совета", "директоров", "отдела",
    "отделом", "департамента", "управления", "службы", "сектора", "группы", "направления",
    "проекта", "проектов", "продаж", "продажам", "закупок", "закупкам", "маркетинга", "рекламы",
    "развития", "персонала", "кадров", "логистики", "снабжения", "производства", "качества",
    "безопасности", "информационных", "технологий", "бизнеса", "работе", "клиентами", "клиентов",
    "региональный", "регионального", "операционный", "операционного", "продюсер", "режиссёр",
    "художник", "иллюстратор", "копирайтер", "тестировщик", "системный", "инспектор",
    "контролёр", "диспетчер", "офис-менеджер", "арт-директор", "инженер-программист",
    "веб-дизайнер", "веб-разработчик", "вице-президент", "ректор", "ректора", "проректор", "декан",
    "секретаря", "сектором", "отделения", "филиала", "склада", "магазина", "цеха", "смены",
})

#: US state, district and territory codes as addresses print them before the ZIP code.
US_STATE_CODES: frozenset[str] = frozenset({
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
    "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH",
    "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
    "AS", "GU", "MP", "PR", "VI", "FM", "MH", "PW", "AA", "AE", "AP",
})

#: Words that address the reader or speak for the firm: a slogan ("Your partner in growth",
#: "Ваш надёжный партнёр"), which no job title holds.
SLOGAN_WORDS = frozenset({
    "your", "our", "we", "us", "you", "ваш", "ваша", "ваше", "ваши", "вас", "вам", "наш", "наша", "наше", "наши",
    "мы", "нас", "vous", "votre", "vos", "nous", "notre", "nos", "wir", "unser", "unsere", "ihr", "ihre", "ihren",
})

#: Lower-case name particles of four letters or more; shorter ones ("van", "de", "le") stay small.
LONG_NAME_PARTICLES: frozenset[str] = frozenset({"della", "delle", "degli", "dello", "dalla"})

#: Words that end no printed line: the line goes on below ("Health and" / "Safety Inspector").
DANGLING_WORDS: frozenset[str] = frozenset({"and", "&", "und", "et", "y", "e", "и", "of", "for", "für", "de", "du", "des", "der", "по"})

#: Country names that are as often a person's name or a US state ("Jordan", "Georgia"), or a
#: word of a name ("Man", "Chad"): no evidence of a country on their own.
AMBIGUOUS_COUNTRY_NAMES: frozenset[str] = frozenset({"jordan", "georgia", "chad", "jersey", "guernsey", "man", "niger", "turkey"})

#: Lower-case words English addresses print ("Stratford upon Avon", "Isle of Wight"); any other
#: lower-case word is a piece of a split word ("North Roybur y") or a capital misread ("Lake lan").
ENGLISH_ADDRESS_SMALL_WORDS = frozenset({"of", "upon", "on", "the", "in", "by", "and", "at", "under", "le", "la", "de"})
#: ... and the small words of other Latin-script addresses, for a card whose region the default
#: made "US" ("12 rue de Rivoli", "Am Markt 3", "Via del Corso").
OTHER_ADDRESS_SMALL_WORDS = frozenset({
    "rue", "du", "des", "les", "chemin", "avenue", "allée", "boulevard", "bd", "place", "impasse", "quai", "route",
    "cedex", "bis", "ter", "et", "am", "an", "der", "die", "das", "im", "zum", "zur", "von", "str", "straße", "weg",
    "platz", "van", "den", "het", "via", "del", "della", "di", "calle",
})
#: Every lower-case word a Latin-script address may print.
ADDRESS_SMALL_WORDS: frozenset[str] = ENGLISH_ADDRESS_SMALL_WORDS | OTHER_ADDRESS_SMALL_WORDS


def _check_legal_form_subsets() -> None:
    """The named subsets above are legal forms of the main tables (one definition each)."""
    for form in (*LEGAL_FORMS_OPENING_A_NAME, *GLUED_LEGAL_FORMS_SHORT, *GLUED_LEGAL_FORMS_LONG):
        if not is_legal_form(form) and not is_legal_form(form.upper()):
            raise ValueError(f"{form!r} is in a legal-form subset but not in COMPANY_LEGAL_FORMS(_CAPS)")


_check_legal_form_subsets()
