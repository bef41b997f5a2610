"""The ekyc client library: ``uploads`` (upload a picture, wait for its verdict), ``api`` (the
synchronous API, signed), ``items`` (DynamoDB items as plain values), ``verdict`` (what became
of a user, in one line and an exit code), ``cli`` (the ``ekyc`` command, also
``python -m scripts.ekyc``)."""
