"""Fuzzing zonefix: mutated zones and the properties every input must keep.

``engine`` mutates seed zones (the project's fixtures) and checks one input;
``tests/test_fuzz.py`` runs it under hypothesis in the suite, and ``make
fuzz`` (``python -m tests.fuzz``) runs a million inputs over the cores.
"""
