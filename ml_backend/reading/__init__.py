"""Reading a card: image bytes -> QR -> OCR lines -> tagged words -> field values -> validated Card.
``pipeline`` runs the stages in order; each stage module imports only the stages before it.
"""
