"""Renderers: tables and machine formats, handouts, quizzes, the offline site.

Imports the rules and the layers below them; never the CLI.
"""
