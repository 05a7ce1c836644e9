"""Field libraries against our hand-written lists and rules, on the truth values of card sets.

Issue #21 asks whether libraries that ship field knowledge in their wheels (cleanco, names-dataset,
probablepeople, tldextract, usaddress, pyap, natasha, wordfreq, pycountry, lingua) would do better
than the word lists and rules of ``ml_backend/text`` and ``ml_backend/reading`` at the decision
points where they would replace or inform one. No model is run: every decision is asked of the
values a truth file records (what the card prints), so the figures say how good the *knowledge*
is, before OCR and the tagger add their own errors (a few OCR-damaged variants are built from the
same values where the decision is about damage).

Each decision has positives (values the rule should accept) and negatives (values it should
refuse); a row gives, per method and set, the accepted share of each ("hit", "false alarm"),
the mean time per call, the time to load the library and its installed size. Which set weighs
most: the generated sets' names, companies and towns come from Faker, and our given-name lists
were exported from Faker, so on generated sets our lists are favoured; the real cards (and the
parts of generated cards that are not Faker's) decide.

A library that is not importable is reported as "not installed": the benchmark runs in CI
without any of them. They are not project requirements; install them elsewhere, e.g.
``pip install --target /work/libs-site ...`` and ``PYTHONPATH=/work/libs-site`` (natasha's
morphology needs ``PYMORPHY2_DICT_PATH=/work/libs-site/pymorphy2_dicts_ru/data`` without
setuptools). Usage::

    python -m active_learning.bench.field_libraries [--truth FILE ...] [--examples] \
        [--save docs/results/libraries/field-libraries.json]

(saved in a folder of its own: every ``docs/results/*.json`` is a field-accuracy result that
``python -m ml_backend benchmarks`` renders). Decisions taken on these figures: docs/decisions.md.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import logging
import re
import resource
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from active_learning.synth.vocab import LOCALES
from ml_backend.reading.values.plain import is_complete_name
from ml_backend.reading.values.region import _country_names, _from_places, region_hint_from
from ml_backend.text.given_names import given_names
from ml_backend.text.lexicon import (
    COMMON_TLDS,
    NAME_AFFIXES,
    RUSSIAN_TITLE_WORDS,
        TITLE_WORDS,
    is_legal_form,
)
from ml_backend.text.letters import has_cyrillic

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TRUTH = ROOT.parent / "shared" / "real-cards" / "truth.jsonl"
OURS = "ours"
NOT_INSTALLED = "not installed"
FAILED = "failed to load"
#: Installed distributions counted in a library's size (its own and the data packages it loads).
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "cleanco": ("cleanco",),
    "names_dataset": ("names-dataset",),
    "probablepeople": ("probablepeople", "python-crfsuite", "probableparsing", "doublemetaphone"),
    "tldextract": ("tldextract", "requests", "requests-file", "idna", "filelock"),
    "usaddress": ("usaddress", "python-crfsuite", "probableparsing"),
    "pyap": ("pyap",),
    "natasha": ("natasha", "navec", "slovnet", "razdel", "yargy", "pymorphy2", "pymorphy2-dicts-ru", "ipymarkup"),
    "wordfreq": ("wordfreq", "ftfy", "langcodes", "msgpack", "regex"),
    "pycountry": ("pycountry",),
    "lingua": ("lingua-language-detector",),
}
#: A word zipf frequency at or above this is "a word of the language" (wordfreq's scale: 1 is
#: once per 100 million words, 3 once per million).
MIN_ZIPF = 2.0
#: Share of a Russian name the NER's PER span must cover to call the whole text a person.
MIN_PER_COVER = 0.8
#: OCR's one-letter slips that leave a word of letters (for the "is a word" decision).
_SLIPS = (("rn", "m"), ("m", "rn"), ("i", "l"), ("l", "i"), ("e", "c"), ("c", "e"), ("o", "a"), ("a", "o"),
          ("и", "н"), ("н", "и"), ("е", "с"), ("о", "а"), ("т", "г"))
_WORD = re.compile(r"[^\W\d_][^\W\d_'’\-]*")
_GLUED_DOT = re.compile(r"([^\W\d_]+)\.\s+([^\W\d_]{2,})")


def installed(module: str) -> bool:
    """Whether ``module`` can be imported here (no import is done)."""
    return importlib.util.find_spec(module) is not None


@dataclass
class Card:
    """The truth of one card: its set, locale and field values as printed."""

    set: str
    real: bool
    locale: str
    fields: dict[str, Any]

    def one(self, name: str) -> str | None:
        value = self.fields.get(name)
        return value if isinstance(value, str) and value.strip() else None

    def many(self, name: str) -> list[str]:
        value = self.fields.get(name) or []
        return [v for v in value if isinstance(v, str) and v.strip()]

    @property
    def region(self) -> str:
        """The card's ISO region ("pt_BR" -> "BR")."""
        return LOCALES[self.locale][1] if self.locale in LOCALES else self.locale.partition("_")[2].upper()

    @property
    def language(self) -> str:
        return self.locale.partition("_")[0]


def load_cards(path: Path) -> list[Card]:
    """The cards of a truth file (``truth.jsonl`` of the real set or of the generator).

    Raises ValueError for a line that is not a JSON card with ``fields`` and ``locale``."""
    cards = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            fields, locale = record["fields"], record["locale"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a truth record with 'fields' and 'locale': {exc}") from exc
        # hand-labelled cards cite where the image came from; generated ones carry their layout
        cards.append(Card(set=path.parent.name, real="source" in record, locale=locale, fields=fields))
    return cards


# --- inputs of each decision -------------------------------------------------------------------


def _first_given_name(full_name: str) -> str | None:
    """The first word of a name that can be a given name: no title, initial or particle."""
    for word in full_name.replace("/", " ").split():
        bare = word.strip(".,")
        if word.lower() in NAME_AFFIXES or len(bare) < 2 or word.endswith(".") or not bare[0].isupper():
            continue
        return bare
    return None


def _words(texts: Iterable[str], min_length: int = 3) -> list[str]:
    return [w for t in texts for w in _WORD.findall(t) if len(w) >= min_length]


def _host(value: str) -> str:
    value = value.lower().split("@")[-1]
    value = re.sub(r"^https?://", "", value).split("/")[0]
    return value.removeprefix("www.")


def _damaged_hosts(host: str) -> list[str]:
    """OCR's damage to a domain: the dot before its top-level domain lost, its last letter lost."""
    head, _, tld = host.rpartition(".")
    return [head + tld, host[:-1]] if head else []


def _slipped(word: str) -> str | None:
    lower = word.lower()
    for wrong, right in _SLIPS:
        if wrong in lower[1:]:
            i = lower.index(wrong, 1)
            return lower[:i] + right + lower[i + len(wrong):]
    return None


@dataclass
class Decision:
    """One decision point: what the rule is asked, its positives and negatives."""

    name: str
    where: str
    positives: list[tuple[Card, str]] = field(default_factory=list)
    negatives: list[tuple[Card, str]] = field(default_factory=list)


def decisions(cards: Sequence[Card]) -> list[Decision]:
    """The inputs of every decision point, built from the truth values of ``cards``."""
    legal = Decision("legal form in a company", "lexicon.is_legal_form")
    given = Decision("given name known", "given_names.has_given_name")
    person = Decision("person, not company", "plain.is_complete_name")
    domain = Decision("bare name.tld is a domain", "lexicon.COMMON_TLDS (validate.recover)")
    address = Decision("US/GB/CA address recognised", "values.region_hint_from")
    russian = Decision("Russian person name", "plain.is_complete_name (ru)")
    word = Decision("word of its language", "lexicon.TITLE_WORDS/RUSSIAN_TITLE_WORDS")
    country = Decision("country named in address", "region._country_names")
    language = Decision("language of the card", "region_hint_from -> language")
    for card in cards:
        name, company, position, addr = (card.one(k) for k in ("full_name", "company", "position", "address"))
        others = [v for v in (name, position, addr) if v]
        if company:
            legal.positives.append((card, company))
            person.negatives.append((card, company))
        legal.negatives += [(card, v) for v in others]
        if name:
            first = _first_given_name(name)
            if first:
                given.positives.append((card, first))
            person.positives.append((card, name))
        given.negatives += [(card, w) for w in _words([position] if position else [])]
        hosts = {_host(v) for v in card.many("website") + card.many("email")}
        domain.positives += [(card, h) for h in sorted(hosts) if "." in h]
        domain.negatives += [(card, d) for h in sorted(hosts) for d in _damaged_hosts(h)]
        domain.negatives += [(card, f"{a}.{b}") for v in (name, company, addr) if v for a, b in _GLUED_DOT.findall(v)]
        if addr and card.region in ("US", "GB", "CA"):
            address.positives.append((card, addr))
        elif addr:
            address.negatives.append((card, addr))
        address.negatives += [(card, v) for v in (name, company, position) if v]
        if card.language == "ru":
            if name and has_cyrillic(name):
                russian.positives.append((card, name))
            russian.negatives += [(card, v) for v in (company, position) if v and has_cyrillic(v)]
        if position:
            for w in _words([position], 4):
                word.positives.append((card, w))
                slipped = _slipped(w)
                if slipped:
                    word.negatives.append((card, slipped))
        if addr:
            country.positives.append((card, addr))
        country.negatives += [(card, v) for v in (name, company, position) if v]
        texts = [v for k in ("full_name", "position", "company", "address") if (v := card.one(k))]
        texts += card.many("website") + card.many("email")
        if texts:
            language.positives.append((card, "\n".join(texts)))
    return [legal, given, person, domain, address, russian, word, country, language]


# --- the methods: ours and the libraries' -------------------------------------------------------

#: A method's answer: True/False (accept or not) for a value of a card.
Judge = Callable[[Card, str], bool]


def _ours_legal(card: Card, text: str) -> bool:
    return any(is_legal_form(w.strip(",()")) for w in text.split())


def _ours_given(card: Card, word: str) -> bool:
    return word.lower() in given_names()


def _ours_person(card: Card, text: str) -> bool:
    return is_complete_name(text)


def _ours_domain(card: Card, host: str) -> bool:
    """The rule of ``validate.recover`` for a bare "name.tld" in a line (no scheme, no "www."):
    a website only when its top-level domain is one of ``COMMON_TLDS``."""
    name, _, tld = host.lower().rpartition(".")
    return bool(name) and tld in COMMON_TLDS


_ADDRESS_REGIONS = ("US", "GB", "CA")


def _ours_address(card: Card, text: str) -> bool:
    """The address evidence of ``region_hint_from`` (a country or town named, a UK postcode, a
    US state and ZIP): the region of a US/GB/CA card's address, any of those elsewhere."""
    region = _from_places([text])
    return region == card.region if _is_positive_address(card, text) else region in _ADDRESS_REGIONS


def _is_positive_address(card: Card, text: str) -> bool:
    return card.region in _ADDRESS_REGIONS and text == card.one("address")


def _ours_russian(card: Card, text: str) -> bool:
    return is_complete_name(text)


@cache
def _title_words() -> frozenset[str]:
    return TITLE_WORDS | RUSSIAN_TITLE_WORDS


def _ours_word(card: Card, word: str) -> bool:
    return word.lower() in _title_words()


def _names_pattern(names: dict[str, str]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?!\w)",
                      re.IGNORECASE)


@cache
def _our_countries() -> tuple[re.Pattern[str], dict[str, str]]:
    names = _country_names()
    return _names_pattern(names), names


def _country_judge(found: Callable[[str], str | None]) -> Judge:
    """Positives (addresses) count when the country found is the card's; negatives when any is found."""
    def judge(card: Card, text: str) -> bool:
        region = found(text)
        return region == card.region if text == card.one("address") else region is not None
    return judge


def _our_country(text: str) -> str | None:
    pattern, names = _our_countries()
    match = pattern.search(text)
    return names[match.group(1).lower()] if match else None


@cache
def _locale_languages() -> dict[str, frozenset[str]]:
    """Region -> the languages of our card locales printed there (CH: de, fr)."""
    by_region: dict[str, set[str]] = {}
    for language, region, _, _ in LOCALES.values():
        by_region.setdefault(region, set()).add(language)
    return {r: frozenset(ls) for r, ls in by_region.items()}


def _ours_language(card: Card, text: str) -> bool:
    region = region_hint_from(text)
    return card.language in _locale_languages().get(region or "", frozenset())


@dataclass
class Method:
    """How one method answers one decision; ``load`` builds the library's state once."""

    decision: str
    name: str
    module: str | None  # the library's import name; None for ours
    make: Callable[[], Judge]


def _cleanco() -> Judge:
    from cleanco import matches, typesources

    sources = typesources()
    return lambda card, text: bool(matches(text, sources))


@cache
def _name_dataset() -> Any:
    from names_dataset import NameDataset

    return NameDataset()


def _names_dataset() -> Judge:
    data = _name_dataset()
    return lambda card, word: data.search(word)["first_name"] is not None


def _probablepeople() -> Judge:
    import probablepeople

    def judge(card: Card, text: str) -> bool:
        try:
            return probablepeople.tag(text)[1] == "Person"
        except probablepeople.RepeatedLabelError:
            return False
    return judge


def _tldextract() -> Judge:
    import tldextract

    extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # the bundled snapshot, offline

    def judge(card: Card, host: str) -> bool:
        parts = extract(host)
        return bool(parts.suffix and parts.domain)
    return judge


def _usaddress() -> Judge:
    import usaddress

    def judge(card: Card, text: str) -> bool:
        try:
            return usaddress.tag(text)[1] == "Street Address"
        except usaddress.RepeatedLabelError:
            return False
    return judge


def _pyap() -> Judge:
    import pyap

    def judge(card: Card, text: str) -> bool:
        if _is_positive_address(card, text):
            return bool(pyap.parse(text, country=card.region))
        return any(pyap.parse(text, country=c) for c in _ADDRESS_REGIONS)
    return judge


def _natasha() -> Judge:
    from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter

    segmenter, tagger = Segmenter(), NewsNERTagger(NewsEmbedding())

    def judge(card: Card, text: str) -> bool:
        doc = Doc(text)
        doc.segment(segmenter)
        doc.tag_ner(tagger)
        covered = sum(s.stop - s.start for s in doc.spans if s.type == "PER")
        return covered >= MIN_PER_COVER * len(text.strip())
    return judge


def _wordfreq() -> Judge:
    from wordfreq import zipf_frequency

    return lambda card, word: zipf_frequency(word, card.language) >= MIN_ZIPF


def _pycountry() -> Judge:
    import gettext

    import pycountry

    names: dict[str, str] = {}
    for language in ("en", "pt", "es", "fr", "de", "it", "nl", "pl", "ru"):
        try:
            translate = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language]).gettext
        except OSError:
            translate = str
        for c in pycountry.countries:
            for n in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)):
                if n and len(n) > 3:
                    names.setdefault(translate(n).lower(), c.alpha_2)
    pattern = _names_pattern(names)

    def found(text: str) -> str | None:
        match = pattern.search(text)
        return names[match.group(1).lower()] if match else None
    return _country_judge(found)


def _lingua() -> Judge:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = sorted({lang for langs in _locale_languages().values() for lang in langs})
    detector = LanguageDetectorBuilder.from_iso_codes_639_1(*(getattr(IsoCode639_1, c.upper()) for c in codes)).build()

    def judge(card: Card, text: str) -> bool:
        found = detector.detect_language_of(text)
        return found is not None and found.iso_code_639_1.name.lower() == card.language
    return judge


METHODS: tuple[Method, ...] = (
    Method("legal form in a company", OURS, None, lambda: _ours_legal),
    Method("legal form in a company", "cleanco", "cleanco", _cleanco),
    Method("given name known", OURS, None, lambda: _ours_given),
    Method("given name known", "names-dataset", "names_dataset", _names_dataset),
    Method("person, not company", OURS, None, lambda: _ours_person),
    Method("person, not company", "probablepeople", "probablepeople", _probablepeople),
    Method("bare name.tld is a domain", OURS, None, lambda: _ours_domain),
    Method("bare name.tld is a domain", "tldextract", "tldextract", _tldextract),
    Method("US/GB/CA address recognised", OURS, None, lambda: _ours_address),
    Method("US/GB/CA address recognised", "usaddress", "usaddress", _usaddress),
    Method("US/GB/CA address recognised", "pyap", "pyap", _pyap),
    Method("Russian person name", OURS, None, lambda: _ours_russian),
    Method("Russian person name", "natasha", "natasha", _natasha),
    Method("word of its language", OURS, None, lambda: _ours_word),
    Method("word of its language", "wordfreq", "wordfreq", _wordfreq),
    Method("country named in address", OURS, None, lambda: _country_judge(_our_country)),
    Method("country named in address", "pycountry", "pycountry", _pycountry),
    Method("language of the card", OURS, None, lambda: _ours_language),
    Method("language of the card", "lingua", "lingua", _lingua),
)


@dataclass
class Row:
    """One method on one decision and set. ``hit``: accepted positives; ``alarm``: accepted
    negatives; ``status`` is "ok", ``NOT_INSTALLED`` or ``FAILED`` and why."""

    decision: str
    method: str
    set: str
    status: str = "ok"
    hit: int = 0
    positives: int = 0
    alarm: int = 0
    negatives: int = 0
    us_per_call: float | None = None  # median
    load_s: float | None = None  # building the judge and its first answer (lazy loaders)
    load_rss_mb: float | None = None  # growth of the process's peak memory while loading
    size_mb: float | None = None
    misses: list[str] = field(default_factory=list)
    alarms: list[str] = field(default_factory=list)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def installed_mb(distributions: Iterable[str]) -> float | None:
    """Installed size of ``distributions`` in MB (files on disk; a wheel is smaller, compressed)."""
    total = 0
    for name in distributions:
        try:
            files = importlib.metadata.distribution(name).files or []
        except importlib.metadata.PackageNotFoundError:
            continue
        total += sum(f.size or 0 for f in files)
    return round(total / 1e6, 1) if total else None


def run(cards: Sequence[Card], available: Callable[[str], bool] | None = None, examples: int = 3) -> list[Row]:
    """Every method on every decision, per set of ``cards``; a library ``available`` (default
    ``installed``) says is missing gets rows with status ``NOT_INSTALLED`` (and no figures)."""
    available = available or installed
    rows: list[Row] = []
    by_decision = {d.name: d for d in decisions(cards)}
    sets = sorted({c.set for c in cards}, key=lambda s: (not any(c.real for c in cards if c.set == s), s))
    for method in METHODS:
        decision = by_decision[method.decision]
        if method.module is not None and not available(method.module):
            rows += [Row(method.decision, method.name, s, status=NOT_INSTALLED) for s in sets]
            continue
        peak = _peak_rss_mb()
        started = time.perf_counter()
        warm_up = decision.positives or decision.negatives
        try:
            judge = method.make()
            if warm_up:
                judge(*warm_up[0])
        except Exception as exc:  # an installed library that cannot load here is a row, not a crash
            if method.module is None:
                raise
            log.warning("%s does not load: %s", method.name, exc)
            rows += [Row(method.decision, method.name, s, status=f"{FAILED}: {type(exc).__name__}: {exc}"[:120])
                     for s in sets]
            continue
        load_s = round(time.perf_counter() - started, 2) if method.module else None
        load_rss = round(_peak_rss_mb() - peak) if method.module else None
        size = installed_mb(DISTRIBUTIONS.get(method.module or "", ()))
        for s in sets:
            row = Row(method.decision, method.name, s, load_s=load_s, load_rss_mb=load_rss, size_mb=size)
            times: list[float] = []
            for values, is_positive in ((decision.positives, True), (decision.negatives, False)):
                for card, value in values:
                    if card.set != s:
                        continue
                    t0 = time.perf_counter()
                    accepted = judge(card, value)
                    times.append(time.perf_counter() - t0)
                    if is_positive:
                        row.positives += 1
                        row.hit += accepted
                        if not accepted and len(row.misses) < examples:
                            row.misses.append(value)
                    else:
                        row.negatives += 1
                        row.alarm += accepted
                        if accepted and len(row.alarms) < examples:
                            row.alarms.append(value)
            row.us_per_call = round(statistics.median(times) * 1e6, 1) if times else None
            rows.append(row)
    return rows


def _share(k: int, n: int) -> str:
    return f"{k}/{n} {100 * k / n:.0f}%" if n else "-"


FAKER_NOTE = ("Generated sets draw names, companies and towns from Faker, which our given-name lists were "
              "exported from: ours is favoured there. Judge on the real set and on the non-Faker parts.")


def format_table(rows: Sequence[Row]) -> str:
    """The one table: decision, method, set, hit, false alarm, median µs per call, load time,
    peak memory the load added, installed MB."""
    header = ("decision", "method", "set", "hit", "false alarm", "µs/call", "load s", "load RSS MB", "MB")
    lines = [header]
    for r in rows:
        if r.status != "ok":
            lines.append((r.decision, r.method, r.set, r.status, "", "", "", "", ""))
            continue
        lines.append((r.decision, r.method, r.set, _share(r.hit, r.positives), _share(r.alarm, r.negatives),
                      "-" if r.us_per_call is None else f"{r.us_per_call:.0f}",
                      "-" if r.load_s is None else f"{r.load_s:.1f}",
                      "-" if r.load_rss_mb is None else f"{r.load_rss_mb:.0f}",
                      "-" if r.size_mb is None else f"{r.size_mb:.1f}"))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in lines]
    text.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(text + ["", FAKER_NOTE])


def format_examples(rows: Sequence[Row]) -> str:
    """Misses and false alarms on the real cards' rows: what decided, to read."""
    out = []
    for r in rows:
        if r.status == "ok" and (r.misses or r.alarms) and r.set in {x.set for x in rows if x.method == OURS}:
            out.append(f"{r.decision} / {r.method} / {r.set}: missed {r.misses}; false alarms {r.alarms}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m active_learning.bench.field_libraries", description=__doc__.split("\n")[0])
    parser.add_argument("--truth", type=Path, nargs="+", default=[DEFAULT_TRUTH],
                        help="truth.jsonl files (default: the real cards); each file's folder names its set")
    parser.add_argument("--save", type=Path, help="write the rows as JSON here")
    parser.add_argument("--examples", action="store_true", help="print misses and false alarms too")
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.truth if not p.is_file()]
    if missing:
        parser.error(f"no truth file: {', '.join(missing)}")
    cards = [card for path in args.truth for card in load_cards(path)]
    rows = run(cards)
    print(format_table(rows))
    if args.examples:
        print()
        print(format_examples(rows))
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        args.save.write_text(json.dumps({"note": FAKER_NOTE, "rows": [asdict(r) for r in rows]},
                                        ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
