"""thresholdkit plugin for Herefordshire: data only, read from the data/ folder beside this file."""

from thresholdkit.areas.dataplugin import DataPlugin

plugin = DataPlugin(__file__)
