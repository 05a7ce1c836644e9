"""spaCy rule pipelines that find company and job-title cues in a value.

No trained spaCy pipeline can be installed offline here (see notes), so the default is a blank
``en`` pipeline for Latin script and a blank ``ru`` one for Cyrillic, each with an EntityRuler
built from ``lexicon``. The ruler matches on tokens, which is what plain substring search gets
wrong: "ООО «Ромашка»" tokenises the guillemets away from the legal form, "Inc." and "S.A." stay
one token, and German/Russian titles are matched by suffix/prefix of a token.

When ``settings.spacy_models`` names installed trained pipelines, they replace the blank one for
their language; their NER labels (ORG, PERSON/PER) become extra cues. Without NER, a person cue
is a name-shaped text holding a known given name (``given_names``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import spacy
from spacy.language import Language

from ml_backend.text.lexicon import (
    COMPANY_LEGAL_FORMS,
    COMPANY_LEGAL_FORMS_CAPS,
    COMPANY_WORDS,
    TITLE_PHRASES,
    TITLE_PREFIXES,
    TITLE_SUFFIXES,
    TITLE_WORDS,
)
from ml_backend.text.given_names import has_given_name
from ml_backend.reading.values.plain import name_problem
from ml_backend.text.letters import has_cyrillic

log = logging.getLogger(__name__)

LEGAL_FORM = "LEGAL_FORM"
COMPANY_WORD = "COMPANY_WORD"
TITLE = "TITLE"
_NER_COMPANY = {"ORG"}
_NER_PERSON = {"PERSON", "PER"}
_RULER_NAME = "cardloop_cues"


def ruler_patterns() -> list[dict[str, Any]]:
    """EntityRuler patterns for every cue in the lexicon."""
    prefixes = "|".join(re.escape(p) for p in TITLE_PREFIXES)
    suffixes = "|".join(re.escape(s) for s in TITLE_SUFFIXES)
    return [
        {"label": LEGAL_FORM, "pattern": [{"LOWER": {"IN": sorted(COMPANY_LEGAL_FORMS)}}]},
        {"label": LEGAL_FORM, "pattern": [{"TEXT": {"IN": sorted(COMPANY_LEGAL_FORMS_CAPS)}}]},
        {"label": COMPANY_WORD, "pattern": [{"LOWER": {"IN": sorted(COMPANY_WORDS)}}]},
        {"label": TITLE, "pattern": [{"LOWER": {"IN": sorted(TITLE_WORDS)}}]},
        {"label": TITLE, "pattern": [{"LOWER": {"REGEX": f"^(?:{prefixes})"}}]},
        {"label": TITLE, "pattern": [{"LOWER": {"REGEX": f"\\w(?:{suffixes})$"}}]},
        *({"label": TITLE, "pattern": [{"LOWER": w} for w in phrase]} for phrase in TITLE_PHRASES),
    ]


@dataclass(frozen=True)
class Cues:
    """What the rules saw in one text."""

    legal_form: bool = False
    company_word: bool = False
    title: bool = False
    person: bool = False  # a known given name in a name-shaped text, or a trained NER's PERSON

    @property
    def company(self) -> bool:
        return self.legal_form or self.company_word


def _add_ruler(nlp: Language) -> Language:
    if _RULER_NAME in nlp.pipe_names:  # a pipeline saved with our ruler already in it
        return nlp
    config = {"overwrite_ents": False}
    where = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    ruler = nlp.add_pipe("entity_ruler", name=_RULER_NAME, config=config, **where)
    ruler.add_patterns(ruler_patterns())
    return nlp


class CueTagger:
    """One rule pipeline per script, built once per process (building takes ~0.2 s)."""

    def __init__(self, trained_models: tuple[str, ...] = ()) -> None:
        pipelines: dict[str, Language] = {"en": spacy.blank("en"), "ru": spacy.blank("ru")}
        for name in trained_models:
            try:
                nlp = spacy.load(name)  # an installed package or a pipeline directory
            except OSError as exc:
                raise ValueError(
                    f"CARDLOOP_SPACY_MODELS names {name!r}, which is not an installed spaCy pipeline: {exc}"
                ) from exc
            log.info("spaCy: using trained pipeline %s for %r", name, nlp.lang)
            pipelines[nlp.lang] = nlp
        self._latin = _add_ruler(pipelines["en"])
        self._cyrillic = _add_ruler(pipelines["ru"])

    def cues(self, text: str) -> Cues:
        nlp = self._cyrillic if has_cyrillic(text) else self._latin
        labels = {ent.label_ for ent in nlp(text).ents}
        return Cues(
            legal_form=LEGAL_FORM in labels,
            company_word=COMPANY_WORD in labels or bool(labels & _NER_COMPANY),
            title=TITLE in labels,
            person=bool(labels & _NER_PERSON) or (name_problem(text) is None and has_given_name(text)),
        )
