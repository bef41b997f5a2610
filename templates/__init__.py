"""CloudFormation templates, built with troposphere and written to ``templates/*.template.json``."""
