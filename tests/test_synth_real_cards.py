"""What the generator adds to look like real cards (issue #21, item 4): national phone formats of
many countries with the region evidence real cards carry, labels per language, shop cards with
services, WhatsApp marks and store lines, angled and glared photos."""

from __future__ import annotations

import random
from collections import Counter

import phonenumbers
import pytest

from active_learning.synth import LOCALES, card_rng, generate_card, generate_layout
from active_learning.synth import vocab
from active_learning.synth.compose import compose
from active_learning.synth.content import generate_content, is_national, region_evidence
from active_learning.synth.phones import random_phone
from active_learning.synth.style import random_style

REGIONS = sorted({vocab.LOCALES[loc][1] for loc in LOCALES})


def test_at_least_twenty_countries() -> None:
    assert len(REGIONS) >= 20, REGIONS


@pytest.mark.parametrize("region", REGIONS)
def test_national_forms_parse_back_to_the_truths_number_with_the_cards_region(region: str) -> None:
    """Printed without the country code, a number is still the truth's E.164 when read with the
    card's region (and every region gets such forms: the fallback to +CC does not swallow them)."""
    rng = random.Random(f"national-{region}")
    national = 0
    for i in range(60):
        phone = random_phone(rng, region, ("office", "mobile", "fax")[i % 3], national_share=1.0)
        number = phonenumbers.parse(phone.printed, region)
        assert phonenumbers.is_valid_number(number), phone
        assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == phone.e164, phone
        national += is_national(phone)
    assert national >= 55, f"{region}: only {national}/60 printed without the country code"


def test_card_phones_parse_back_with_the_truths_region_in_every_locale() -> None:
    for locale in LOCALES:
        for i in range(15):
            t = generate_layout(card_rng(3, i), locale=locale, photo=False)
            region = vocab.LOCALES[locale][1]
            for printed, e164 in zip(t["fields"]["phone"], t["normalised"]["phone"]):
                number = phonenumbers.parse(printed, region)
                assert phonenumbers.is_valid_number(number), (locale, printed)
                assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == e164


@pytest.mark.parametrize("locale", LOCALES)
def test_cards_printing_national_numbers_say_their_country(locale: str) -> None:
    """A national number reads right only in its region: such a card prints an address or an
    e-mail/web address under the country's own TLD, as real cards do."""
    tlds = [t for t in vocab.LOCALES[locale][2] if t not in vocab.GENERIC_TLDS]
    seen = 0
    for i in range(80):
        content = generate_content(random.Random(f"{locale}-{i}"), locale)
        if not any(is_national(p) for p in content.phones):
            continue
        seen += 1
        assert region_evidence(content, locale), content
        hosts = [e.rpartition("@")[2] for e in content.emails] + ([content.website.lower()] if content.website else [])
        assert content.address or any(t in h for h in hosts for t in tlds), content
    assert seen >= 20, f"{locale}: {seen} of 80 cards print a national number"


def test_a_country_code_without_its_plus_is_not_a_national_form() -> None:
    from active_learning.synth.phones import Phone

    assert not is_national(Phone("55 11 3105-8655", "+551131058655", "office"))
    assert not is_national(Phone("+55 (11) 3105-8655", "+551131058655", "office"))
    assert is_national(Phone("(55) 3222-1234", "+555532221234", "office"))  # area code 55, not the country's
    assert is_national(Phone("11 3105-8655", "+551131058655", "office"))


def test_region_evidence_is_not_taken_from_generic_domains() -> None:
    content = generate_content(random.Random(1), "en_AU")
    content.address, content.emails, content.website = [], ["info@example.com"], "www.example.com"
    assert not region_evidence(content, "en_AU")
    content.website = "www.example.com.au"
    assert region_evidence(content, "en_AU")
    content.website, content.address = None, ["12 King St", "Sydney NSW 2000"]
    assert region_evidence(content, "en_AU")


def test_every_language_labels_every_contact_kind() -> None:
    kinds = {"office", "mobile", "fax", "email", "website", "address"}
    languages = {vocab.LOCALES[loc][0] for loc in LOCALES}
    assert {"en", "ru", "de", "fr", "es", "it", "pt"} <= languages
    for name in sorted(languages) + sorted(vocab.LABELS_BY_LOCALE):
        labels = vocab.labels_for(name) if "_" in name else vocab.LABELS[name]
        lang = name
        assert set(labels) == kinds, lang
        for kind in kinds:
            assert len(labels[kind]) >= 3 or kind in ("fax", "website", "address"), (lang, kind)
            assert all(x.strip() for x in labels[kind]), (lang, kind)
    for table in (vocab.SHOPS, vocab.LANDMARKS, vocab.LANDMARK_PLACES, vocab.BRANCH_HEADINGS, vocab.SLOGANS,
                  vocab.DEPARTMENTS, vocab.HOURS, vocab.ROLE_MAILBOXES):
        assert languages <= set(table), table
    for locale in LOCALES:
        assert locale in vocab.COMPANY_FORMS and locale in vocab.REGISTRATIONS and vocab.freemail(locale), locale


def test_shop_cards_print_services_whatsapp_and_store_lines() -> None:
    """Brazilian cards are often a shop's: no person, its services, several numbers (some marked
    WhatsApp), a store's street before its number, a CEP in the address."""
    counts: Counter[str] = Counter()
    for i in range(300):
        rng = random.Random(f"shop-{i}")
        content = generate_content(rng, "pt_BR")
        counts["cards"] += 1
        counts["no person"] += content.name is None
        counts["whatsapp"] += bool(content.whatsapp)
        counts["tagline"] += content.tagline is not None
        counts["services"] += any(e.startswith(tuple("•-»")) or e.isupper() for e in content.extras)
        counts["store line"] += any(" - " in label for label in content.phone_labels.values())
        counts["cep"] += any("CEP" in line.upper() for line in content.address)
        counts["landmark"] += any("róx" in line for line in content.address)
        counts["several phones"] += len(content.phones) >= 2
        assert content.whatsapp <= {p.printed for p in content.phones if p.kind == "mobile"}
    for key, least in (("no person", 0.15), ("whatsapp", 0.15), ("tagline", 0.04), ("services", 0.04),
                       ("store line", 0.01), ("cep", 0.2), ("landmark", 0.04), ("several phones", 0.3)):
        assert counts[key] >= least * counts["cards"], (key, counts)


def test_whatsapp_numbers_are_marked_by_an_icon_or_a_label() -> None:
    """A WhatsApp number is printed after a green mark or a WhatsApp label, never inside its span."""
    from active_learning.synth.compose import LineSpec, TableRow

    marked = 0
    for i in range(200):
        rng = random.Random(f"wa-{i}")
        content = generate_content(rng, "pt_BR")
        if not content.whatsapp:
            continue
        style = random_style(rng, content.text() + "WhatsApp:", 600)
        groups = compose(rng, content, style)
        for number in content.whatsapp:
            for item in groups.contacts:
                line = item.value if isinstance(item, TableRow) else item
                if not isinstance(line, LineSpec) or not any(r.text == number for r in line.runs):
                    continue
                label = item.label.text if isinstance(item, TableRow) and item.label else ""
                before = "".join(r.text for r in line.runs[:[r.text for r in line.runs].index(number)])
                assert line.icon == "whatsapp" or any(w in label + before for w in vocab.WHATSAPP_LABELS), (
                    line.text, label, style.label_mode, style.arrangement)
                assert next(r for r in line.runs if r.text == number).field == "phone"
                marked += 1
    assert marked >= 20


def test_whatsapp_mark_is_drawn_green() -> None:
    """The PIL renderer draws the WhatsApp mark as a green disc beside the number."""
    for i in range(400):
        rng = card_rng(21, i)
        img, t = generate_card(rng, locale="pt_BR", photo=False, rotation=0, qr=False)
        px = img.load()
        greens = sum(1 for x in range(0, img.width, 2) for y in range(0, img.height, 2) if px[x, y] == (37, 211, 102))
        if greens > 20:
            return
    pytest.fail("no WhatsApp mark drawn in 400 Brazilian cards")


def test_photos_are_sometimes_angled_and_glared() -> None:
    import numpy as np

    from active_learning.synth.photo import ANGLED_SHARE, GLARE_SHARE, plan_photo

    assert 0.1 <= ANGLED_SHARE <= 0.4 and 0.15 <= GLARE_SHARE <= 0.5
    strong = 0
    for i in range(200):
        plan = plan_photo(random.Random(i), 1000, 600)
        # how far the card's shape is from a parallelogram (perspective), relative to its width
        corners = np.array([[0, 0, 1], [1000, 0, 1], [1000, 600, 1], [0, 600, 1]], float) @ plan.matrix.T
        pts = corners[:, :2] / corners[:, 2:]
        skew = np.linalg.norm((pts[1] - pts[0]) - (pts[2] - pts[3])) / np.linalg.norm(pts[1] - pts[0])
        strong += skew > 0.12
    assert 0.05 * 200 <= strong <= 0.5 * 200, strong


def test_several_numbers_share_one_label_on_a_line() -> None:
    """"Fones: 11 2082-2399 / 2646-6123": the second number has no label of its own, and both
    are phones of the truth."""
    for i in range(600):
        t = generate_layout(card_rng(31, i), locale="pt_BR", photo=False)
        for line in t["lines"]:
            phones = [s for s in line["spans"] if s[2] == "phone"]
            if len(phones) == 2 and line["text"].startswith(vocab.SHARED_PHONE_LABELS["pt"]):
                between = line["text"][phones[0][1]:phones[1][0]]
                if not any(ch.isalpha() for ch in between):
                    for start, end, _ in phones:
                        assert line["text"][start:end] in t["fields"]["phone"]
                    return
    pytest.fail("no line of two numbers under one label in 600 Brazilian cards")
