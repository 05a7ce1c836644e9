"""Text knowledge shared by every reader of a card, each fact defined once: word lists
(``lexicon``), address tables and postcode shapes (``addresses``), printed labels (``labels``),
a local phone number's shape (``numbers``), scripts and look-alike letters, Russian spellings,
given names. Imports nothing of the project above ``schema``/``config``.
"""
