"""Turn a card's content and style into printable line specifications (text runs per field).

This is where labels ("Tel:", "Моб.:"), casing, separators and the contact arrangement are applied,
i.e. where the printed text is decided. Positions are the layout's job. Every run carries the
field its text belongs to (None for labels, separators and distractors), which is what the ground
truth spans are computed from.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from active_learning.synth import vocab
from active_learning.synth.content import CardContent
from active_learning.synth.style import Style

#: Icon kinds by contact kind (drawn shapes, never text, so OCR reads nothing from them).
ICON_KIND = {"office": "phone", "mobile": "mobile", "fax": "fax", "email": "email", "website": "web", "address": "pin"}
FIELD_OF_KIND = {"office": "phone", "mobile": "phone", "fax": "fax", "email": "email", "website": "website",
                 "address": "address"}


@dataclass
class Run:
    """A piece of a line drawn in one font and colour."""

    text: str
    field: str | None
    style: str = "regular"  # font style: regular bold italic bold_italic light
    color: str = "text"  # palette role
    family: str = "body"  # head | body
    tracking: float = 0.0  # extra letter spacing, fraction of the font size


@dataclass
class LineSpec:
    """One printed line before placement. ``icon`` is a drawn symbol before the text (or "logo")."""

    runs: list[Run]
    role: str
    icon: str | None = None

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class TableRow:
    """A label cell and a value cell printed in two aligned columns (OCR sees two lines)."""

    label: LineSpec | None
    value: LineSpec


@dataclass
class LogoSpec:
    """A drawn logo mark; ``monogram`` letters are printed inside it (OTHER text)."""

    shape: str
    height_rel: float  # of the card's short side
    monogram: str | None = None


Item = LineSpec | TableRow | LogoSpec


@dataclass
class Groups:
    """Items by role on the card, the units the layout templates place."""

    header: list[Item] = field(default_factory=list)  # logo, company, tagline
    identity: list[Item] = field(default_factory=list)  # name, position, department
    contacts: list[Item] = field(default_factory=list)
    extras: list[Item] = field(default_factory=list)  # slogans, memberships


LOGO_SHAPES = ("circle", "square", "diamond", "triangle", "rings", "bars", "hexagon", "rounded")


def _monogram(company: str | None, rng: random.Random) -> str | None:
    if not company or rng.random() < 0.5:
        return None
    words = [w for w in company.replace("«", " ").replace("»", " ").replace('"', " ").split() if w[:1].isalpha()]
    letters = "".join(w[0] for w in words[:2]).upper()
    return letters if letters.isalpha() else None


def _wrap(rng: random.Random, text: str, probability: float) -> list[str]:
    """``text`` as one line, or (sometimes, when long) as two lines broken at a word boundary."""
    words = text.split(" ")
    if len(words) < 3 or len(text) < 18 or rng.random() >= probability:
        return [text]
    cut = min(range(1, len(words)), key=lambda k: abs(len(" ".join(words[:k])) - len(text) / 2))
    return [" ".join(words[:cut]), " ".join(words[cut:])]


def _labelled(label: str, value: str, field_name: str, style: Style, value_run: Run | None = None) -> list[Run]:
    runs = []
    if label:
        runs.append(Run(label + " ", None, style.label_style, "label"))
    runs.append(value_run or Run(value, field_name))
    return runs


def compose(rng: random.Random, content: CardContent, style: Style) -> Groups:
    """Printable items for ``content`` in ``style`` (labels, casing, arrangement decided here)."""
    groups = Groups()
    lang = content.lang
    company_with_position = bool(content.company and content.position and rng.random() < 0.06)
    if content.company and not company_with_position:
        text = content.company.upper() if style.upper_company else content.company
        logo_inline = rng.random() < 0.15
        if not logo_inline and rng.random() < 0.35:
            groups.header.append(LogoSpec(rng.choice(LOGO_SHAPES), rng.uniform(0.14, 0.24), _monogram(content.company, rng)))
        color = "accent" if style.palette.name != style.palette.accent and rng.random() < 0.4 else "text"
        tracking = style.tracking if style.upper_company else 0.0
        for k, part in enumerate(_wrap(rng, text, 0.15)):
            groups.header.append(LineSpec([Run(part, "company", style.company_style, color, "head", tracking)], "company",
                                          icon="logo" if logo_inline and k == 0 else None))
    elif rng.random() < 0.3:
        groups.header.append(LogoSpec(rng.choice(LOGO_SHAPES), rng.uniform(0.14, 0.22)))
    if content.tagline:  # what the business does, under its name (OTHER)
        text = content.tagline.upper() if rng.random() < 0.3 else content.tagline
        tracking = rng.choice([0.0, 0.0, 0.08, 0.15]) if text.isupper() else 0.0
        groups.header.append(LineSpec([Run(text, None, rng.choice(["regular", "italic", "light"]),
                                           rng.choice(["muted", "text", "accent"]), "body", tracking)], "misc"))
    position_runs = []
    if content.position:
        text = content.position.upper() if style.upper_position else content.position
        font_style, color = rng.choice(["regular", "regular", "italic", "light"]), rng.choice(["muted", "text", "accent"])
        position_runs = [Run(part, "position", font_style, color, tracking=style.tracking if style.upper_position else 0.0)
                         for part in _wrap(rng, text, 0.2)]
    if content.name:
        text = content.name.printed.upper() if style.upper_name else content.name.printed
        words = text.split(" ")
        tracking = style.tracking if style.upper_name else 0.0
        if style.split_name and len(words) >= 2:
            runs = [Run(" ".join(words[:-1]) + " ", "full_name", "regular", "name", "head", tracking),
                    Run(words[-1], "full_name", "bold", "name", "head", tracking)]
        else:
            runs = [Run(text, "full_name", style.name_style, "name", "head", tracking)]
        if len(position_runs) == 1 and not company_with_position and rng.random() < 0.08:  # "Jane Doe, CEO" / "Jane Doe | CEO" on one line
            position_runs[0].style = "regular"
            runs += [Run(rng.choice([", ", " | ", " – ", " · "]), None, "regular", "muted"), position_runs.pop()]
            groups.identity.append(LineSpec(runs, "position"))
        else:
            groups.identity.append(LineSpec(runs, "name"))
    if company_with_position and position_runs:  # "Sales Manager, Acme GmbH" / "CEO at Acme Inc."
        joiner = rng.choice([", ", " | ", " – ", {"en": " at ", "de": " bei ", "fr": " chez ", "ru": ", "}.get(content.lang, ", ")])
        position_runs = [Run(" ".join(r.text for r in position_runs), "position", position_runs[0].style, position_runs[0].color)]
        groups.identity.append(LineSpec(position_runs + [Run(joiner, None, position_runs[0].style, "muted"),
                                                         Run(content.company or "", "company", "bold", "text")], "position"))
        position_runs = []
    for run in position_runs:
        groups.identity.append(LineSpec([run], "position"))
    if content.department:
        groups.identity.append(LineSpec([Run(content.department, None, "regular", "muted")], "misc"))
    for extra in content.extras:
        groups.extras.append(LineSpec([Run(extra, None, rng.choice(["italic", "regular"]), "muted")], "misc"))
    groups.contacts = _contacts(rng, content, style, lang)
    return groups


def _contacts(rng: random.Random, content: CardContent, style: Style, lang: str) -> list[Item]:
    """Contact items in the card's arrangement: stacked lines, inline lines or a label table."""
    entries: list[tuple[str, str]] = [(p.kind, p.printed) for p in content.phones]
    mail_web = [("email", e) for e in content.emails] + ([("website", content.website)] if content.website else [])
    entries = entries + mail_web if rng.random() < 0.75 else mail_web + entries
    address = [("address", a) for a in content.address]
    address_first = rng.random() < 0.25
    labels = {kind: rng.choice(options) for kind, options in vocab.labels_for(content.locale).items()}
    if lang != "en" and rng.random() < 0.15:  # many non-English cards use English labels
        labels = {kind: rng.choice(options) for kind, options in vocab.LABELS["en"].items()}
    if rng.random() < 0.12:
        labels = {kind: label.upper() for kind, label in labels.items()}
    whatsapp_label = rng.choice(vocab.WHATSAPP_LABELS)

    def label_for(kind: str, first_address_line: bool = True, value: str | None = None) -> str:
        mode = style.label_mode
        if value in content.phone_labels:  # a branch's number: its place is its label, always printed
            return content.phone_labels[value]
        if value in content.whatsapp and (mode in ("text", "mixed") or style.arrangement != "stacked"):
            return whatsapp_label  # a WhatsApp number without a drawn mark says so in words
        if kind == "fax":  # only its label tells a fax from a phone: a card that lists one prints it
            return labels["fax"]
        if mode in ("none", "icon"):
            return ""
        if kind == "address":
            return labels["address"] if first_address_line and (mode == "text" and style.arrangement == "table" or rng.random() < 0.3) else ""
        if mode == "mixed" and kind in ("email", "website"):
            return ""
        if kind == "website" and rng.random() < 0.3 and style.arrangement != "table":
            return ""
        return labels[kind]

    if style.arrangement == "table":
        rows: list[Item] = []
        for i, (kind, value) in enumerate(address if address_first else []):
            lab = label_for(kind, i == 0)
            rows.append(TableRow(LineSpec([Run(lab, None, style.label_style, "label")], "contact") if lab else None,
                                 LineSpec([Run(value, FIELD_OF_KIND[kind])], "contact")))
        for kind, value in entries:
            lab = label_for(kind, value=value)
            rows.append(TableRow(LineSpec([Run(lab, None, style.label_style, "label")], "contact") if lab else None,
                                 LineSpec([Run(value, FIELD_OF_KIND[kind])], "contact")))
        for i, (kind, value) in enumerate([] if address_first else address):
            lab = label_for(kind, i == 0)
            rows.append(TableRow(LineSpec([Run(lab, None, style.label_style, "label")], "contact") if lab else None,
                                 LineSpec([Run(value, FIELD_OF_KIND[kind])], "contact")))
        return rows

    address_items: list[Item] = []
    for i, (kind, value) in enumerate(address):
        address_items.append(LineSpec(_labelled(label_for(kind, i == 0), value, "address", style), "contact",
                                      icon=ICON_KIND[kind] if style.label_mode == "icon" and i == 0 else None))
    items: list[Item] = []
    if style.arrangement == "inline":
        phones = [(k, v) for k, v in entries if k in ("office", "mobile", "fax")]
        others = [(k, v) for k, v in entries if k not in ("office", "mobile", "fax")]
        chunks = [entries] if len(entries) <= 2 and rng.random() < 0.5 else [phones, others]
        chunks = [c for c in chunks if c]
        for chunk in chunks:
            runs: list[Run] = []
            # "Fones: 11 2082-2399 / 2646-6123": one label for the numbers of a line
            shared = (len(chunk) >= 2 and all(k in ("office", "mobile") and v not in content.phone_labels
                                              and v not in content.whatsapp for k, v in chunk)
                      and style.label_mode in ("text", "mixed") and rng.random() < 0.35)
            separator = rng.choice([" / ", " / ", style.separator]) if shared else style.separator
            for j, (kind, value) in enumerate(chunk):
                if j:
                    runs.append(Run(separator, None, "regular", "muted"))
                label = label_for(kind, value=value)
                if shared:
                    label = rng.choice(vocab.SHARED_PHONE_LABELS[lang]) if j == 0 else ""
                runs.extend(_labelled(label, value, FIELD_OF_KIND[kind], style))
            items.append(LineSpec(runs, "contact"))
    else:
        for kind, value in entries:
            icon = ICON_KIND[kind] if style.label_mode == "icon" else None
            if value in content.whatsapp and style.label_mode in ("icon", "none"):
                icon = "whatsapp"  # the messenger's mark before the number, as shops print it
            items.append(LineSpec(_labelled(label_for(kind, value=value), value, FIELD_OF_KIND[kind], style), "contact",
                                  icon=icon))
    return address_items + items if address_first else items + address_items
