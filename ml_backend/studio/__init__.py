"""Label Studio: its JSON (``regions``, ``multicard_regions``), its one API client (``client``),
and pictures of a card with its regions drawn (``overlay``).
"""
