"""Synthetic business cards: training data, test cards and the simulated annotator's truth.

Public API (``active_learning.synth.generate``):

    generate_card(rng, *, locale=None, photo=None, rotation=None, qr=None, scan=None)
        -> (PIL.Image RGB, truth)
    generate_layout(rng, ...same keywords...) -> truth        # no pixels; same truth for the same rng
    generate_dataset(out_dir, n, *, seed, locales=None, photo_fraction=None, workers=1,
                     layout_only=False) -> Path of truth.jsonl (images/ beside it)
    card_rng(seed, index) -> random.Random                    # card i of a dataset
    python -m active_learning.synth --out DIR --n N [--seed S] [--locales en_US,ru_RU]
                     [--photo-fraction F] [--layout-only] [--workers W]
                     [--renderer pil|html|mixed] [--html-share F] [--templates band,caps]
    (html: the second renderer, HTML/CSS templates drawn by headless Chromium, see synth.html)

None = drawn from the mixture: locale (en_US .21, en_GB .14, ru_RU .21, de_DE .15, fr_FR .15,
es/it/nl/pl/pt_BR .035 each, and .012 each for en_AU/CA/IN/NZ/IE, de_AT/CH, fr_CH/CA, nl_BE,
es_MX/AR/CO/CL, pt_PT: 23 phone regions in all), photo 35% (20% of photos at a marked angle, 30%
with glare), scan 40% of the rest (only when photo is None too; an explicit photo=False gives a
flat, pristine card), rotation 8% (90/180/270), QR 15%.

Half of a card's home numbers are printed in a national form (no country code); such a card
always says its country as real cards do (an e-mail or web address under its own TLD, or an
address), and every printed number parses back to its truth E.164 with the card's region. Some
cards are a shop's (pt 35%, es 20%, it 12%, others 8%): often no person, services under the name,
several numbers (WhatsApp-marked ones), stores' streets before their numbers.

Truth (one JSON object per card; truth.jsonl has one per line):
    image        path relative to the dataset folder (None from generate_card/generate_layout)
    fields       schema.empty_fields() shape: values exactly as printed, no labels ("Tel:" is not
                 in the phone). Multi-line values are joined: address with ", ", others with " ".
    normalised   same keys: phones and faxes E.164, e-mails lowercased, websites lowercased without
                 scheme / "www." / trailing "/"; other fields as in ``fields``.
    lines        in reading order (top-to-bottom, then left-to-right, upright card frame):
                 {"text": the full printed line (labels, separators included),
                  "bbox": [x0, y0, x1, y1] axis-aligned in final-image pixels (clipped to it),
                  "quad": [[x, y] * 4] the line's ink box corners in text order (top-left,
                          top-right, bottom-right, bottom-left of the text) mapped through the
                          photo/scan homography and the sideways turn, final-image pixels,
                  "field": the line's field if all its spans share one, else null,
                  "spans": [[start, end, field], ...] character offsets into text;
                           text[start:end] is the value as printed}
    locale, layout (template name), photo (bool), scan (bool), rotation (0|90|180|270: the
    upright card was turned this many degrees CLOCKWISE; OcrResult.rotation of the same image
    would be (360 - rotation) % 360), qr (bool), qr_text (the vCard the QR encodes, or null),
    qr_quad (the QR symbol's corners incl. its 4-module quiet zone, final-image pixels, or null),
    fonts (family names used), width, height (final image size).

Fax numbers are labelled fax and always printed with their label ("Fax:", "F", "Факс",
"Telefax:"), the one thing that tells them from phones; the label, slogans, departments,
registration numbers, opening hours, messenger handles, taglines and services, a store's street
before its number, WhatsApp labels and logo monograms are text with no span (OTHER).
"""

from active_learning.synth.generate import LOCALES, card_rng, generate_card, generate_dataset, generate_layout, vcard

__all__ = ["LOCALES", "card_rng", "generate_card", "generate_dataset", "generate_layout", "vcard"]
