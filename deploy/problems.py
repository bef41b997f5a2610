"""One line saying what to do, for the configuration problems a person meets first (no region,
no credentials, an endpoint that does not answer, a refusal by AWS), instead of a traceback.
The deploy tool and the ``ekyc`` client print these and exit ``ExitCode.SERVICE``."""

from __future__ import annotations

from botocore import exceptions as boto

ENGINE = "for the embedded engine, paste the export line `make local` prints"
# Codes AWS answers when the credentials themselves are refused.
CREDENTIALS_REFUSED = {"InvalidClientTokenId", "UnrecognizedClientException", "ExpiredToken",
                       "ExpiredTokenException", "InvalidAccessKeyId", "SignatureDoesNotMatch",
                       "AuthFailure"}
DENIED = {"AccessDenied", "AccessDeniedException"}
PROBLEMS = (boto.NoRegionError, boto.NoCredentialsError, boto.PartialCredentialsError,
            boto.ProfileNotFound, boto.CredentialRetrievalError, boto.TokenRetrievalError,
            boto.SSOError, boto.ConnectionError, boto.HTTPClientError, boto.ClientError)


def explain(error: BaseException) -> str | None:
    """What to do about ``error`` in one line; None if it is not a configuration or service
    problem."""
    if isinstance(error, boto.NoRegionError):
        return f"no AWS region: set AWS_REGION (make deploy: or REGION=...); {ENGINE}"
    if isinstance(error, boto.NoCredentialsError | boto.PartialCredentialsError):
        return ("no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
                f"AWS_SECRET_ACCESS_KEY; {ENGINE}")
    if isinstance(error, boto.ProfileNotFound | boto.CredentialRetrievalError |
                  boto.TokenRetrievalError | boto.SSOError):
        return f"{error}: check AWS_PROFILE and ~/.aws/config (aws sso login, if it uses SSO)"
    if isinstance(error, boto.ConnectionError | boto.HTTPClientError):
        endpoint = error.kwargs.get("endpoint_url", "the endpoint")
        return (f"cannot reach {endpoint}: is the engine running (make local) and "
                "AWS_ENDPOINT_URL its URL? Unset AWS_ENDPOINT_URL to use AWS")
    if isinstance(error, boto.ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "")
        if code in CREDENTIALS_REFUSED:
            return (f"AWS refused the credentials ({code}: {message}): check AWS_PROFILE or "
                    "AWS_ACCESS_KEY_ID")
        if code in DENIED:
            return f"{error.operation_name} was denied ({message}): the identity lacks a permission"
        return str(error)
    return None


def refused(error: boto.ClientError) -> bool:
    """The service refused who is asking (credentials, permissions), not what was asked."""
    return error.response.get("Error", {}).get("Code", "") in CREDENTIALS_REFUSED | DENIED
