"""Provider exports zonefix reads and writes back: one module per format.

Each module gives ``NAME``, ``sniff(filename, head)`` (by extension and
content) and ``read(filename, data, settings)``, which returns a Document
(zonefix.document) that never raises for bad content.
"""
