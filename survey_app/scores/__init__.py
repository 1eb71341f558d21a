"""Score snapshots: SQL aggregates in, ``analysis`` estimates out, stored for the staff pages."""
