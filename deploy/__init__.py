"""Deploy tooling: ``stack`` manages a CloudFormation stack (change sets, events, outputs,
destruction), ``package_lambdas`` builds the thumbnail function's zip, ``cli`` is the command
line behind ``python -m scripts.deploy``."""
