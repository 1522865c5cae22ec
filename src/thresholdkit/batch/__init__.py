"""Batch assessment: many case records in, exactly one result per record out.

Imports the rules and the layers below them.
"""
