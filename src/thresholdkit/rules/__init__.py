"""The rules: the level rule (``level``), assessment (``assess``), cases and their conditions
(``cases``), merging a case file with options (``caseinput``), the lookup commands' documents
(``documents``), consent, contacts and opening hours, indicator filters and cross-area
comparison.

Imports the model, data and areas layers.
"""
