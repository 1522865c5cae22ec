"""thresholdkit plugin for Worcestershire: data only, read from the data/ folder beside this file."""

from thresholdkit.yamlplugin import DataPlugin

plugin = DataPlugin(__file__)
