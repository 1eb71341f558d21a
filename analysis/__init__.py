"""Sapa statistics: fair provider quality scores and M&E indicators.

Pure functions over numpy arrays and pandas frames (no Flask, no database), usable from a
notebook. One module per topic; see each module's docstring.
"""
