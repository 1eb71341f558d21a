"""Reference data every installation needs: regions, service types, standards, categories, indicators."""
