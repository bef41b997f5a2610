"""What every layer agrees on, defined once: the user item's attributes (``item``), where
objects go in the bucket (``keys``), the thresholds and switches a deployment sets
(``settings``), the ``${Name}`` placeholders of the ASL files (``placeholders``) and the
environment variables the code reads (``environment``).

Plain values only, and nothing of ours is imported here: the workflows, the template, the
starter Lambda (which gets these values inlined, see ``lambdas/inline.py``), the client, the
engine, the demo, the benchmarks and the tests all import from this package, never the other
way round.
"""
