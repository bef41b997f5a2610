"""The embedded engine: AWS played locally, for the demo, the tests and a person at a terminal.

``server`` runs moto in server mode with the adapter's fixes (``adapter/``: every change to
moto's behaviour, each moving it toward AWS), the local face service (``rekognition/``) and
the Lambda runtime (``lambda_runtime``: functions' real handler code, run in this process);
``api_front`` serves the synchronous API's routes as API Gateway would.
"""
