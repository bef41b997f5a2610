"""The eKYC workflows, built in Python and written to ``statemachines/<name>.asl.json``; the
list of them, and all that is known about each, is ``registry.WORKFLOWS``."""
