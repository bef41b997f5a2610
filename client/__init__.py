"""The ekyc client library: ``uploads`` (upload a picture, wait for its verdict), ``api`` (the
synchronous API, signed), ``items`` (DynamoDB items as plain values), ``cli`` (the command line
behind ``python -m scripts.ekyc``)."""
