"""QR contact decoding: vCard/MeCard parsing on strings, and real QR images made with segno."""

from __future__ import annotations

import io

import pytest
import segno
from PIL import Image, ImageDraw, ImageFilter

from ml_backend.reading.qr import QrContact, decode_qr, parse_contact, parse_mecard, parse_vcard
from ml_backend.schema import FIELDS, OcrLine, OcrResult

VCARD_RU = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\n"
    "N:Смирнова;Екатерина;Андреевна;;\r\n"
    "FN:Екатерина Смирнова\r\n"
    "ORG:ООО «Северный ветер»;Бухгалтерия\r\n"
    "TITLE:Главный бухгалтер\r\n"
    "TEL;TYPE=WORK,VOICE:+7 912 345-67-89\r\n"
    "TEL;TYPE=CELL:+7 495 123-45-67\r\n"
    "EMAIL;TYPE=INTERNET:e.smirnova@sever-veter.ru\r\n"
    "URL:https://sever-veter.ru\r\n"
    "ADR;TYPE=WORK:;;ул. Тверская\\, д. 12;Москва;;125009;Россия\r\n"
    "END:VCARD\r\n"
)


def qr_image(payload: str, scale: int = 4) -> Image.Image:
    buffer = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


# --- vCard strings -------------------------------------------------------------------------


def test_vcard3_cyrillic_all_fields():
    fields = parse_vcard(VCARD_RU)
    assert fields == {
        "full_name": ["Екатерина Смирнова"],
        "company": ["ООО «Северный ветер»"],
        "position": ["Главный бухгалтер"],
        "phone": ["+7 912 345-67-89", "+7 495 123-45-67"],
        "email": ["e.smirnova@sever-veter.ru"],
        "website": ["https://sever-veter.ru"],
        "address": ["ул. Тверская, д. 12, Москва, 125009, Россия"],
    }
    assert set(fields) <= set(FIELDS)


def test_vcard21_quoted_printable_charset_and_soft_breaks():
    card = (
        "BEGIN:VCARD\nVERSION:2.1\n"
        "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=98=D0=B2=D0=B0=D0=BD=D0=BE=D0=B2;=D0=98=D0=B2=D0=B0=D0=BD\n"
        "TITLE;CHARSET=windows-1251;QUOTED-PRINTABLE:=C4=E8=F0=E5=EA=F2=EE=F0 =EF=EE =\n"
        "=EF=F0=EE=E4=E0=E6=E0=EC\n"
        "TEL;WORK;VOICE:+49 30 1234567\n"
        "EMAIL;INTERNET:ivan@example.de\n"
        "END:VCARD"
    )
    fields = parse_vcard(card)
    assert fields["full_name"] == ["Иван Иванов"]  # built from N when FN is absent
    assert fields["position"] == ["Директор по продажам"]
    assert fields["phone"] == ["+49 30 1234567"]
    assert fields["email"] == ["ivan@example.de"]


def test_vcard_line_folding_and_escapes():
    card = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:Jean-Luc\n  Picard\n"
        "ORG:Dupont\\, Martin & Fils\n"
        "NOTE:ignored\nPHOTO;ENCODING=b;TYPE=JPEG:AAAA\n"
        "item1.ADR;TYPE=work:;Bât. B;12 rue de la Paix\\; 2e étage;Paris;;75002;France\n"
        "END:VCARD"
    )
    fields = parse_vcard(card)
    assert fields["full_name"] == ["Jean-Luc Picard"]
    assert fields["company"] == ["Dupont, Martin & Fils"]
    assert fields["address"] == ["Bât. B, 12 rue de la Paix; 2e étage, Paris, 75002, France"]
    assert set(fields) == {"full_name", "company", "address"}


def test_vcard4_uri_values():
    card = (
        "BEGIN:VCARD\nVERSION:4.0\nFN:Ada Lovelace\n"
        "TEL;VALUE=uri;TYPE=\"voice,work\":tel:+44-20-7946-0958\n"
        "EMAIL:mailto:ada@example.co.uk\nURL:https://example.co.uk/ada\nEND:VCARD"
    )
    fields = parse_vcard(card)
    assert fields["phone"] == ["+44-20-7946-0958"]
    assert fields["email"] == ["ada@example.co.uk"]
    assert fields["website"] == ["https://example.co.uk/ada"]


# --- MeCard and other payloads -------------------------------------------------------------


def test_mecard_fields_and_escapes():
    fields = parse_mecard(
        "MECARD:N:Doe,John;TEL:+15550100;TEL:+15550101;EMAIL:john@example.com;"
        "URL:https://example.com;ADR:1 Main St\\, Springfield;ORG:Acme\\; Co;TITLE:CTO;NOTE:x;;"
    )
    assert fields == {
        "full_name": ["John Doe"],
        "phone": ["+15550100", "+15550101"],
        "email": ["john@example.com"],
        "website": ["https://example.com"],
        "address": ["1 Main St, Springfield"],
        "company": ["Acme; Co"],
        "position": ["CTO"],
    }


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("https://example.com/card", {"website": ["https://example.com/card"]}),
        ("www.example.org", {"website": ["www.example.org"]}),
        ("WIFI:S:office;T:WPA;P:secret;;", None),
        ("just some words", None),
        ("BEGIN:VCARD\nVERSION:3.0\nEND:VCARD", None),
    ],
)
def test_non_contact_payloads(payload, expected):
    contact = parse_contact(payload)
    assert (contact.fields if contact else None) == expected


# --- real QR images ------------------------------------------------------------------------


def test_decode_cyrillic_vcard_image_with_position():
    img = qr_image(VCARD_RU, scale=4)
    canvas = Image.new("RGB", (img.width + 400, img.height + 100), "white")
    canvas.paste(img, (300, 50))
    contact = decode_qr(canvas)
    assert contact is not None and contact.kind == "vcard"
    assert contact.fields["full_name"] == ["Екатерина Смирнова"]
    assert contact.fields["phone"] == ["+7 912 345-67-89", "+7 495 123-45-67"]
    xs, ys = zip(*contact.box)
    # The code (without its quiet zone) lies inside where it was pasted.
    assert 300 <= min(xs) < max(xs) <= 300 + img.width
    assert 50 <= min(ys) < max(ys) <= 50 + img.height


def test_decode_photographed_rotated_scaled_mecard():
    img = qr_image("MECARD:N:Müller,Anna;TEL:+49301234567;EMAIL:anna@beispiel.de;;", scale=6)
    photo = Image.new("RGB", (900, 700), (120, 110, 100))
    photo.paste(img.resize((int(img.width * 0.8), int(img.height * 0.8))), (200, 150))
    photo = photo.rotate(23, resample=Image.Resampling.BICUBIC, fillcolor=(120, 110, 100))
    photo = photo.filter(ImageFilter.GaussianBlur(0.8))
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=70)
    contact = decode_qr(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))
    assert contact is not None and contact.kind == "mecard"
    assert contact.fields["full_name"] == ["Anna Müller"]
    assert contact.fields["email"] == ["anna@beispiel.de"]


def test_a_blurred_photographed_code_is_read_sharpened():
    """Modules blurred into each other: zxing finds nothing in the photo as it is, the enlarged
    and sharpened copy decodes, and the box is in the photo's own pixels."""
    from ml_backend.reading.qr import _richest_contact

    img = qr_image(VCARD_RU, scale=3)
    photo = Image.new("RGB", (900, 700), (200, 200, 195))
    photo.paste(img.resize((int(img.width * 0.9), int(img.height * 0.9)), Image.Resampling.BILINEAR), (200, 150))
    photo = photo.rotate(7, resample=Image.Resampling.BICUBIC, fillcolor=(200, 200, 195)).filter(ImageFilter.GaussianBlur(1.2))
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=70)
    photo = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    assert _richest_contact(photo) is None
    contact = decode_qr(photo)
    assert contact is not None and contact.fields["email"] == ["e.smirnova@sever-veter.ru"]
    xs, ys = zip(*contact.box)
    assert 150 <= min(xs) and max(xs) <= 200 + img.width and 100 <= min(ys) and max(ys) <= 150 + img.height + 50


def test_prefers_contact_over_url_code_and_none_without_code():
    url = qr_image("https://example.com")
    vcard = qr_image("BEGIN:VCARD\nVERSION:3.0\nFN:Bo Li\nEMAIL:bo@example.com\nEND:VCARD")
    canvas = Image.new("RGB", (url.width + vcard.width + 60, max(url.height, vcard.height) + 40), "white")
    canvas.paste(url, (20, 20))
    canvas.paste(vcard, (40 + url.width, 20))
    contact = decode_qr(canvas)
    assert contact is not None and contact.fields == {"full_name": ["Bo Li"], "email": ["bo@example.com"]}

    blank = Image.new("RGB", (300, 200), "white")
    ImageDraw.Draw(blank).text((20, 80), "no code here", fill="black")
    assert decode_qr(blank) is None


def test_covers_maps_qr_box_into_the_upright_frame():
    # Original 400x200 image, QR at x 300..380, y 20..100; OCR turned it 90 degrees clockwise.
    qr = QrContact(fields={"website": ["www.x.com"]}, box=[(300, 20), (380, 20), (380, 100), (300, 100)], kind="url")
    ocr = OcrResult(lines=[], width=200, height=400, rotation=90)
    # Upright: x' = 200 - y, y' = x -> QR spans x' 100..180, y' 300..380.
    inside = OcrLine(text="x", box=[(120, 320), (160, 320), (160, 340), (120, 340)], confidence=0.5)
    outside = OcrLine(text="Name", box=[(10, 10), (150, 10), (150, 40), (10, 40)], confidence=0.9)
    assert qr.covers(inside, ocr)
    assert not qr.covers(outside, ocr)


def test_a_vcard_fax_number_is_a_fax_and_a_shared_voice_fax_line_a_phone():
    fields = parse_vcard("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna Berg\r\nTEL;TYPE=WORK,VOICE:+49 30 1234567\r\n"
                         "TEL;TYPE=WORK,FAX:+49 30 1234568\r\nTEL;TYPE=VOICE,FAX:+49 30 1234569\r\nEND:VCARD")
    assert fields["phone"] == ["+49 30 1234567", "+49 30 1234569"]
    assert fields["fax"] == ["+49 30 1234568"]
