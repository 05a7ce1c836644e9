"""Ground truth of a card: schema-shaped fields, normalised values and per-line boxes + spans.

Built from the placed lines of a ``CardPlan`` and the final homography, never from the content
directly, so the truth is exactly what was printed: a value is in ``fields`` only if it is on
the card, spelled as printed (casing included), and each line's spans index its text.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import phonenumbers

from active_learning.synth.layout import CardPlan, PlacedLine
from active_learning.synth.photo import map_points
from ml_backend.schema import MULTI_VALUE_FIELDS, empty_fields

#: How parts of a single-value field printed on several lines are joined into one value.
JOINERS = {"address": ", ", "full_name": " ", "position": " ", "company": " "}


def normalise_website(url: str) -> str:
    """Lowercase host/path without scheme, ``www.`` or trailing slash (``https://WWW.A.com/`` -> ``a.com``)."""
    url = re.sub(r"^[a-z]+://", "", url.strip().lower())
    return re.sub(r"^www\.", "", url).rstrip("/")


def normalise(fields: dict[str, Any], region: str) -> dict[str, Any]:
    """Fields in canonical form: phones and faxes E.164, e-mails lowercased, websites bare (see normalise_website)."""
    out = dict(fields)
    out["email"] = [e.lower() for e in fields["email"]]
    for key in ("phone", "fax"):
        out[key] = [phonenumbers.format_number(phonenumbers.parse(p, region), phonenumbers.PhoneNumberFormat.E164)
                    for p in fields[key]]
    out["website"] = [normalise_website(w) for w in fields["website"]]
    return out


def reading_order(plan: CardPlan) -> list[PlacedLine]:
    """Lines top-to-bottom, left-to-right within a row, in the upright card frame: the order in
    which OCR engines (PP-OCR's sorted_boxes) report lines, so training sees inference's order.
    Lines whose tops differ by less than half a line height count as one row."""
    lines = sorted(plan.lines, key=lambda ln: (ln.bbox[1], ln.bbox[0]))
    for i in range(len(lines) - 1):
        for j in range(i, -1, -1):
            a, b = lines[j], lines[j + 1]
            same_row = abs(b.bbox[1] - a.bbox[1]) < 0.5 * min(a.bbox[3] - a.bbox[1], b.bbox[3] - b.bbox[1])
            if same_row and b.bbox[0] < a.bbox[0]:
                lines[j], lines[j + 1] = b, a
            else:
                break
    return lines


def _r(v: float) -> float:
    return round(v, 1)


def build_truth(plan: CardPlan, matrix: np.ndarray, width: int, height: int, *, region: str,
                extra: dict[str, Any]) -> dict[str, Any]:
    """The truth dict of one card (see package docs for the format)."""
    fields = empty_fields()
    parts: dict[str, list[str]] = {}
    lines = []
    for line in reading_order(plan):
        text = line.text
        spans = line.spans()
        x0, y0, x1, y1 = line.bbox
        quad = map_points(matrix, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
        xs = [min(max(p[0], 0.0), width) for p in quad]
        ys = [min(max(p[1], 0.0), height) for p in quad]
        span_fields = {s[2] for s in spans}
        lines.append({
            "text": text,
            "bbox": [_r(min(xs)), _r(min(ys)), _r(max(xs)), _r(max(ys))],
            "quad": [[_r(x), _r(y)] for x, y in quad],
            "field": span_fields.pop() if len(span_fields) == 1 else None,
            "spans": spans,
        })
        for start, end, name in spans:
            value = text[start:end]
            if name in MULTI_VALUE_FIELDS:
                fields[name].append(value)
            else:
                parts.setdefault(name, []).append(value)
    for name, values in parts.items():
        fields[name] = JOINERS.get(name, " ").join(values)
    return {
        "image": None,
        "fields": fields,
        "normalised": normalise(fields, region),
        "lines": lines,
        **extra,
        "width": width,
        "height": height,
    }
