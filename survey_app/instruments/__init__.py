"""Instruments: XLSForm questionnaires parsed, validated, translated and exported (pure Python)."""
