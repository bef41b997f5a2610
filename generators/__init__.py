"""Everything generated from the Python sources: the template, the ASL, pictures and docs."""
