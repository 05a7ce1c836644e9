"""Text knowledge shared by every reader of a card: word lists, scripts and look-alike letters,
Russian spellings, given names. Imports nothing of the project above ``schema``/``config``.
"""
