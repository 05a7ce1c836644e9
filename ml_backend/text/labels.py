"""The labels cards print before a number ("Tel.", "Mob:", "Факс", "ИНН"), defined once.

Lower case, without their dot or colon. The phone recovery takes a number from free text only
after one of the phone, mobile or fax labels; the number-label check reads a fax, a shared
"Tel/Fax" or a registration number off them; the look-alike letters of Cyrillic cards put back
the Russian ones' letters ("ten." -> "тел.").
"""

from __future__ import annotations

#: Phone labels, one letter ("T", "P", "O", "D") to the whole word, in the languages we read, plural
#: forms too ("Fones 11 2082-2399/2646-6123", "Tels"): a number printed after one is a phone number.
PHONE_LABELS: frozenset[str] = frozenset({
    "t", "te", "tel", "tél", "phone", "ph", "telephone", "téléphone", "telefone", "fone", "fon", "telefon",
    "telefono", "teléfono", "p", "o", "office", "direct", "d", "pabx",
    "т", "тел", "телефон",
    "tels", "phones", "telephones", "téléphones", "telefones", "fones", "telefoni", "telefonos", "teléfonos",
    "телефоны",
})
#: Mobile phone labels.
MOBILE_LABELS: frozenset[str] = frozenset({
    "m", "mob", "mobile", "mobil", "cell", "handy", "port", "portable",
    "м", "моб",
})
#: Fax labels ("F" alone too, as cards print "T ... F ...").
FAX_LABELS: frozenset[str] = frozenset({
    "f", "fax", "fx", "telefax", "tfax", "télécopie", "telecopie", "télécopieur", "fac-símile", "fac-simile", "fac",
    "faks", "telefaks", "faxe",
    "ф", "факс", "телефакс",
})
#: Every label of a number one can call or fax.
NUMBER_LABELS: frozenset[str] = PHONE_LABELS | MOBILE_LABELS | FAX_LABELS

#: Labels of registration and tax numbers (Russian in Cyrillic and in the Latin look-alikes
#: OCR reads them in: "OKNO" for "ОКПО"): what follows is no phone number.
REGISTRATION_LABELS: frozenset[str] = frozenset({
    "окпо", "okpo", "okno", "инн", "ahh", "огрн", "огрнип", "кпп", "бик", "окато", "оквэд", "р/с", "к/с",
    "vat", "ein", "siret", "siren", "nip", "regon", "krs", "cnpj", "cpf", "ust-idnr", "ust-id", "steuernr",
    "abn", "cif", "nif", "kvk", "btw", "utr", "crea", "crm", "inscrição", "ie", "steuer-nr", "steuernummer",
    "ust-id-nr",
})

#: Postcode labels ("CEP: 03637-000", "PLZ", "ZIP", "Индекс"): what follows is a postcode, no phone.
POSTCODE_LABELS: frozenset[str] = frozenset({"cep", "zip", "plz", "postcode", "индекс", "cap", "cp"})

#: Labels of the web and e-mail addresses ("Web:", "Site:", "Mail:"), and the scheme and "www"
#: printed before an address: after a domain, OCR runs them onto it ("yahoo.comWeb").
WEB_LABELS: frozenset[str] = frozenset({"www", "web", "site", "https", "http", "mail"})

#: Abbreviated labels Russian cards print with a dot ("тел.", "моб."): the look-alike letters
#: OCR reads them in are put back like an address's abbreviations.
RUSSIAN_LABEL_ABBREVIATIONS: frozenset[str] = frozenset({"тел", "моб"})
