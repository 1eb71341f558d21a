"""Realistic demo data: providers that truly differ in quality and case mix, and their recipients' answers."""
