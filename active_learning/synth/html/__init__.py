"""Second card renderer: HTML/CSS templates drawn by headless Chromium (Debian's ``chromium``).

Same content, labels and truth format as the PIL renderer (``active_learning.synth.generate``),
different layout engine, text shaping and anti-aliasing, so a model trained on both does not
learn one drawing library's habits. Templates: ``band`` (coloured side band), ``centered``
(minimal), ``monogram`` (logo monogram + letter-spaced wordmark), ``icons`` (two columns, icon
glyphs), ``dark`` (dark background, contacts in a grid), ``caps`` (letter-spaced all-caps name).

    with HtmlRenderer() as renderer:                 # one Chromium process
        cards = generate_html_cards([card_rng(seed, i) for i in range(n)], renderer)

Truth records carry ``"renderer": "html"`` and ``"layout": "html_<template>"``.
"""

from active_learning.synth.html.browser import Browser, BrowserError, chromium_path
from active_learning.synth.html.render import HtmlRenderer, LayoutOverflow, draft_html_card, generate_html_cards
from active_learning.synth.html.templates import TEMPLATES

__all__ = ["TEMPLATES", "Browser", "BrowserError", "HtmlRenderer", "LayoutOverflow", "chromium_path", "draft_html_card",
           "generate_html_cards"]
