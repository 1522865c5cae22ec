"""The model: the typed objects the library returns, and its errors.

The bottom layer: imports nothing else from thresholdkit.
"""
