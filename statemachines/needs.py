"""What a workflow's role may do, declared with the workflow in ``registry``: each need is
one IAM statement, which the template writes with the stack's own resources. Least
privilege: every need names the kind of resource it acts on, and only actions that accept no
resource (``templates/policies.py`` lists them with the reason) go on any.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from awacs import awslambda, rekognition, s3, sns
from awacs.aws import Action

# On what: any resource (actions that name none), the users table, the faces collection, the
# failure topic, the thumbnail function, objects under the key prefixes given, or the bucket's
# listing of keys under the prefixes given.
ANY, TABLE, COLLECTION, TOPIC, THUMBNAIL, OBJECTS, LISTING = (
    "any", "table", "collection", "topic", "thumbnail", "objects", "listing")


@dataclass(frozen=True)
class Need:
    """Actions a workflow's role may take on one kind of resource (one IAM statement)."""

    actions: tuple[Action, ...]
    on: str
    prefixes: tuple[str, ...] = ()
    # Only where this deploy condition holds (registry.IS_COLLECTION, ...), or (``unless``)
    # where it does not: a need of one of the workflow's deployed variants alone.
    condition: str | None = None
    unless: bool = False


def on_any(*actions: Action) -> Need:
    return Need(actions, ANY)


def on_table(*actions: Action) -> Need:
    return Need(actions, TABLE)


def on_collection(*actions: Action) -> Need:
    return Need(actions, COLLECTION)


def reads(*prefixes: str) -> Need:
    return Need((s3.GetObject,), OBJECTS, prefixes)


def deletes(*prefixes: str) -> Need:
    """Deleting objects under ``prefixes``: the erasure workflow's need (and the selfie
    verification's, for the thumbnail of a user erased meanwhile)."""
    return Need((s3.DeleteObject,), OBJECTS, prefixes)


def lists(*prefixes: str) -> Need:
    """Listing the keys under ``prefixes`` (ListObjectsV2 needs s3:ListBucket on the bucket;
    the s3:prefix condition key holds it to those prefixes): the erasure's, for API uploads."""
    return Need((s3.ListBucket,), LISTING, prefixes)


PUBLISHES = Need((sns.Publish,), TOPIC)
INVOKES_THUMBNAIL = Need((awslambda.InvokeFunction,), THUMBNAIL)
REGISTERS = on_collection(rekognition.SearchFacesByImage, rekognition.IndexFaces,
                          rekognition.DeleteFaces)


def when(condition: str, need: Need) -> Need:
    """``need`` only in a stack where the deploy condition holds."""
    return replace(need, condition=condition, unless=False)


def when_not(condition: str, need: Need) -> Need:
    """``need`` only in a stack where the deploy condition does not hold."""
    return replace(need, condition=condition, unless=True)
