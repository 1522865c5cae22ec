"""The rules: assessment (the level rule), cases and their conditions, consent, contacts and
opening hours, indicator filters and cross-area comparison.

Imports the model, data and areas layers.
"""
