"""Contact data from QR codes on a card: vCard 2.1/3.0/4.0, MeCard, or a bare website URL.

A QR code is exact where OCR guesses, so its values are taken as they are (the caller merges
them with the model's fields). ``decode_qr`` reads every QR code zxing-cpp finds and keeps the
most informative one; the code's corners are kept so OCR lines printed *inside* the QR (noise
the recogniser makes of modules) can be ignored.
"""

from __future__ import annotations

import logging
import quopri
import re
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

from ml_backend.reading.geometry import to_upright_frame
from ml_backend.schema import FIELDS, OcrLine, OcrResult, Point

log = logging.getLogger(__name__)

ContactFields = dict[str, list[str]]


@dataclass
class QrContact:
    """What one QR code says about the contact.

    ``fields`` maps schema field names to the values found (only fields the code has);
    ``box`` is the code's four corners (clockwise from top-left) in pixels of the image given
    to ``decode_qr``, i.e. the original EXIF-transposed frame, not the OCR's upright frame.
    """

    fields: ContactFields
    box: list[Point]
    kind: str  # vcard | mecard | url
    raw: str = field(repr=False, default="")

    def upright_box(self, ocr: OcrResult) -> list[Point]:
        """The code's corners in the OCR result's upright frame."""
        original_w, original_h = (ocr.height, ocr.width) if ocr.rotation in (90, 270) else (ocr.width, ocr.height)
        return to_upright_frame(self.box, ocr.rotation, original_w, original_h)

    def covers(self, line: OcrLine, ocr: OcrResult) -> bool:
        """True when the centre of an OCR line lies inside this code (the line is QR noise)."""
        xs, ys = zip(*self.upright_box(ocr))
        x0, y0, x1, y1 = line.bbox
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        return min(xs) <= cx <= max(xs) and min(ys) <= cy <= max(ys)


# --- decoding ------------------------------------------------------------------------------


#: A photographed QR code's modules blur into each other; read at twice the size with the
#: edges sharpened (unsharp mask), 3 of 10 codes zxing missed on photos decoded (~25 ms a card,
#: spent only where the plain read found nothing). Photos larger than this are not enlarged.
_ENHANCE_MAX_SIDE = 2000
_UNSHARP_SIGMA = 3.0


def _sharpened(image: Image.Image) -> np.ndarray:
    """The image in grey, enlarged twice (when not already large) and unsharp-masked."""
    grey = np.asarray(image.convert("L"))
    if max(grey.shape) <= _ENHANCE_MAX_SIDE:
        grey = cv2.resize(grey, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    return cv2.addWeighted(grey, 2.0, cv2.GaussianBlur(grey, (0, 0), _UNSHARP_SIGMA), -1.0, 0)


def decode_qr(image: Image.Image) -> QrContact | None:
    """The richest contact found in the image's QR codes, or None when no code holds one.
    A photo where none decodes is read once more sharpened (``_sharpened``)."""
    contact = _richest_contact(image)
    if contact is not None:
        return contact
    grey = _sharpened(image)
    contact = _richest_contact(grey)
    if contact is not None:
        scale = image.width / grey.shape[1]
        contact.box = [(x * scale, y * scale) for x, y in contact.box]
    return contact


def _richest_contact(image: Image.Image | np.ndarray) -> QrContact | None:
    import zxingcpp

    try:
        codes = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    except (ValueError, RuntimeError) as exc:  # unusual pixel formats; the card may still OCR
        log.warning("QR decoding failed: %s", exc)
        return None
    best: QrContact | None = None
    for code in codes:
        text = _payload_text(code)
        contact = parse_contact(text)
        if contact is None:
            log.debug("QR code without contact data ignored: %.60r", text)
            continue
        pos = code.position
        corners = (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)
        contact.box = [(float(p.x), float(p.y)) for p in corners]
        if best is None or _richness(contact) > _richness(best):
            best = contact
    return best


def _payload_text(code) -> str:
    """The code's text; raw bytes as UTF-8 first, because zxing's guess for ECI-less codes can
    be a legacy code page, which garbles Cyrillic written by phones in UTF-8."""
    try:
        return bytes(code.bytes).decode("utf-8")
    except UnicodeDecodeError:
        return code.text


def _richness(contact: QrContact) -> tuple[int, int]:
    return (contact.kind != "url", sum(len(v) for v in contact.fields.values()))


def parse_contact(text: str) -> QrContact | None:
    """Fields of a vCard, MeCard or website payload; None for anything else (Wi-Fi, text...)."""
    stripped = text.strip()
    upper = stripped.upper()
    if upper.startswith("BEGIN:VCARD"):
        fields = parse_vcard(stripped)
        kind = "vcard"
    elif upper.startswith("MECARD:"):
        fields = parse_mecard(stripped)
        kind = "mecard"
    elif _looks_like_url(stripped):
        fields = {"website": [stripped]}
        kind = "url"
    else:
        return None
    if not fields:
        return None
    return QrContact(fields=fields, box=[], kind=kind, raw=text)


_URL = re.compile(r"^(https?://|www\.)[^\s]+$", re.IGNORECASE)


def _looks_like_url(text: str) -> bool:
    return bool(_URL.match(text))


def _add(fields: ContactFields, name: str, value: str) -> None:
    assert name in FIELDS, name
    value = " ".join(value.split())
    if value and value not in fields.setdefault(name, []):
        fields[name].append(value)


# --- vCard ---------------------------------------------------------------------------------


def _split_unescaped(text: str, sep: str) -> list[str]:
    """Split on ``sep`` except where escaped with a backslash (escapes are kept for unescaping)."""
    parts, current, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if ch == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def _unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _unfold(text: str) -> list[str]:
    """Logical property lines: folded continuations (leading space/tab) and quoted-printable
    soft line breaks (a trailing ``=``, vCard 2.1) joined back."""
    physical = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    logical: list[str] = []
    for line in physical:
        if logical and line[:1] in (" ", "\t"):
            logical[-1] += line[1:]
        elif logical and logical[-1].endswith("=") and "QUOTED-PRINTABLE" in logical[-1].split(":", 1)[0].upper():
            logical[-1] = logical[-1][:-1] + line
        elif line.strip():
            logical.append(line)
    return logical


def _split_property(line: str) -> tuple[str, dict[str, list[str]], str] | None:
    """``[group.]NAME;PARAM=a,b;BARE:value`` -> (NAME, params, value); None if no colon."""
    in_quotes = False
    for i, ch in enumerate(line):
        if ch == '"':
            in_quotes = not in_quotes
        elif ch == ":" and not in_quotes:
            head, value = line[:i], line[i + 1 :]
            break
    else:
        return None
    name, *raw_params = head.split(";")
    params: dict[str, list[str]] = {}
    for p in raw_params:
        key, sep, val = p.partition("=")
        if sep:
            params.setdefault(key.strip().upper(), []).extend(v.strip('"') for v in val.split(","))
        else:  # vCard 2.1 bare parameters: ;WORK;QUOTED-PRINTABLE
            bare = key.strip().upper()
            params.setdefault("ENCODING" if bare in {"QUOTED-PRINTABLE", "BASE64", "B"} else "TYPE", []).append(bare)
    return name.split(".")[-1].strip().upper(), params, value


def _decode_value(value: str, params: dict[str, list[str]]) -> str | None:
    """The property text with QUOTED-PRINTABLE and CHARSET applied; None for binary values."""
    encodings = {e.upper() for e in params.get("ENCODING", [])}
    if encodings & {"BASE64", "B"}:
        return None
    if "QUOTED-PRINTABLE" in encodings:
        charset = (params.get("CHARSET") or ["utf-8"])[0]
        raw = quopri.decodestring(value.encode("ascii", "replace"))
        try:
            return raw.decode(charset)
        except (LookupError, UnicodeDecodeError):
            log.warning("vCard value not in declared charset %r; decoded as UTF-8 with replacements", charset)
            return raw.decode("utf-8", "replace")
    return value


def _join_nonempty(parts: list[str], sep: str) -> str:
    return sep.join(p.strip() for p in parts if p.strip())


def parse_vcard(text: str) -> ContactFields:
    """Contact fields of a vCard (2.1, 3.0 or 4.0)."""
    fields: ContactFields = {}
    structured_name = ""
    roles: list[str] = []
    labels: list[str] = []
    for line in _unfold(text):
        prop = _split_property(line)
        if prop is None:
            continue
        name, params, raw_value = prop
        value = _decode_value(raw_value, params)
        if value is None:
            continue
        if name == "FN":
            _add(fields, "full_name", _unescape(value))
        elif name == "N":
            # Family;Given;Additional;Prefixes;Suffixes -> "Prefixes Given Additional Family Suffixes"
            parts = [_unescape(p) for p in _split_unescaped(value, ";")] + [""] * 5
            family, given, additional, prefix, suffix = parts[:5]
            structured_name = _join_nonempty([prefix, given, additional, family, suffix], " ")
        elif name == "ORG":
            # Organisation;Unit;Unit: the first component is the company; units are departments.
            _add(fields, "company", _unescape(_split_unescaped(value, ";")[0]))
        elif name == "TITLE":
            _add(fields, "position", _unescape(value))
        elif name == "ROLE":
            roles.append(_unescape(value))
        elif name == "EMAIL":
            _add(fields, "email", _unescape(value).removeprefix("mailto:"))
        elif name == "TEL":  # TYPE=FAX (and not VOICE too) is a fax machine's number
            types = {t.upper() for t in params.get("TYPE", [])}
            kind = "fax" if "FAX" in types and "VOICE" not in types else "phone"
            _add(fields, kind, re.sub(r"^tel:", "", _unescape(value), flags=re.IGNORECASE))
        elif name == "URL":
            _add(fields, "website", _unescape(value))
        elif name == "ADR":
            # PO box;extended;street;locality;region;postal code;country
            parts = [_unescape(p) for p in _split_unescaped(value, ";")]
            _add(fields, "address", _join_nonempty([p.replace("\n", ", ") for p in parts], ", "))
        elif name == "LABEL":
            labels.append(_unescape(value).replace("\n", ", "))
    if "full_name" not in fields and structured_name:
        _add(fields, "full_name", structured_name)
    if "position" not in fields:
        for role in roles:
            _add(fields, "position", role)
    if "address" not in fields:
        for label in labels:
            _add(fields, "address", label)
    return fields


# --- MeCard --------------------------------------------------------------------------------

_MECARD_FIELDS = {
    "TEL": "phone", "EMAIL": "email", "URL": "website", "ADR": "address", "ORG": "company", "TITLE": "position",
}


def parse_mecard(text: str) -> ContactFields:
    """Contact fields of a MeCard (``MECARD:N:Doe,John;TEL:...;EMAIL:...;;``)."""
    fields: ContactFields = {}
    body = text.strip()[len("MECARD:") :]
    for item in _split_unescaped(body, ";"):
        key, sep, value = item.partition(":")
        if not sep:
            continue
        key = key.strip().upper()
        if key == "N":
            # "Family,Given" (the comma is the MeCard name separator, not escaped).
            parts = [_unescape(p).strip() for p in _split_unescaped(value, ",")]
            _add(fields, "full_name", _join_nonempty(list(reversed(parts)), " "))
        elif key in _MECARD_FIELDS:
            _add(fields, _MECARD_FIELDS[key], _unescape(value))
    return fields
