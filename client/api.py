"""Calls to the synchronous API, signed with SigV4 as its IAM authorisation requires.

Images are sent the way the API takes them: inline (``{"Bytes": base64}``) when they fit in
``MAX_INLINE_IMAGE_CHARS``, otherwise uploaded to the bucket first, in the user's folder
``api/<userid>/`` (``contract.keys.api_key``; the workflows refuse an image in another user's
folder), and named as ``{"S3Object": ...}``. Each call answers (HTTP status, JSON body).
"""

from __future__ import annotations

import base64
import json
import uuid

import boto3
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest

from contract.item import PARTITION_KEY
from contract.keys import api_key
from statemachines import registry
from templates import api


class ApiClient:
    def __init__(self, session: boto3.session.Session, url: str, bucket: str,
                 timeout: float = 60):
        self.session, self.url, self.bucket = session, url.rstrip("/"), bucket
        self.s3 = session.client("s3")
        self.timeout = timeout

    def image(self, data: bytes, userid: str | None, extension: str = "jpg") -> dict:
        """``data`` as the API takes it; ``userid``: whose folder a large image goes to (None
        for /compare, which names no user)."""
        encoded = base64.b64encode(data).decode()
        if len(encoded) <= api.MAX_INLINE_IMAGE_CHARS:
            return {"Bytes": encoded}
        key = api_key(userid, f"{uuid.uuid4().hex}.{extension}")
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=data)
        return {"S3Object": {"Bucket": self.bucket, "Name": key}}

    def post(self, route: str, body: dict, method: str = "POST") -> tuple[int, dict]:
        payload = json.dumps(body).encode()
        request = AWSRequest(method=method, url=self.url + route, data=payload,
                             headers={"Content-Type": "application/json"})
        credentials = self.session.get_credentials()
        if credentials is not None:
            SigV4Auth(credentials, "execute-api", self.session.region_name or "us-east-1") \
                .add_auth(request)
        response = requests.request(method, self.url + route, data=payload,
                                    headers=dict(request.headers), timeout=self.timeout)
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, {"status": "InvalidResponse", "reason": response.text}

    def call(self, route: str, userid: str | None, images: list[bytes],
             **options) -> tuple[int, dict]:
        """A request to any route, the body as its workflow's ``REQUEST`` declares it: the
        user id (where the route takes one), the images in order, the options given."""
        workflow = registry.for_route(route)
        request = workflow.request
        body: dict = {PARTITION_KEY: userid} if request.userid else {}
        body |= {name: self.image(data, userid) for name, data in zip(request.images, images,
                                                               strict=True)}
        body |= {name: value for name, value in options.items() if value is not None}
        return self.post(route, body, workflow.method)

    def register(self, userid: str, selfie: bytes) -> tuple[int, dict]:
        return self.call("/register", userid, [selfie])

    def register_idcard(self, userid: str, selfie: bytes, idcard: bytes) -> tuple[int, dict]:
        return self.call("/register-idcard", userid, [selfie, idcard])

    def auth(self, userid: str, selfie: bytes) -> tuple[int, dict]:
        return self.call("/auth", userid, [selfie])

    def update(self, userid: str, selfie: bytes) -> tuple[int, dict]:
        return self.call("/update", userid, [selfie])

    def forget(self, userid: str) -> tuple[int, dict]:
        return self.call("/user", userid, [])

    def compare(self, selfie: bytes, idcard: bytes, *, threshold: float | None = None,
                quality_filter: str | None = None) -> tuple[int, dict]:
        return self.call("/compare", None, [selfie, idcard], similarity_threshold=threshold,
                         quality_filter=quality_filter)
