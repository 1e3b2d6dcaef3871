"""Zone formats other than BIND's, each one Document (zonefix.document).

``octodns.py``: octoDNS's YamlProvider files. A format is chosen by the
file's name and content (``format_of``); anything else is read as BIND.
"""

from __future__ import annotations

from pathlib import Path

#: Extensions of YAML zone files.
YAML_SUFFIXES = (".yaml", ".yml")


def format_of(name: str) -> str:
    """ "octodns" or "bind" for a file so named. A YAML file is read by the
    octoDNS reader, which tells a YAML file that is no octoDNS zone in one
    finding (a format added later claims its own YAML by content first)."""
    if Path(name).suffix.lower() in YAML_SUFFIXES:
        return "octodns"
    return "bind"
