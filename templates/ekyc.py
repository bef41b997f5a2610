"""The eKYC stack: upload bucket, queues, starter Lambda, table, topic, collection, workflows.

Flow: a user's picture lands in the bucket under ``id_document/`` or ``selfie/``; S3 notifies
that prefix's queue; the starter Lambda reads the queue, records the upload and starts the
matching workflow. Every threshold is a parameter, every name and ARN a user needs an output.
Each part of the stack is built by its own module, in this order (later parts use what earlier
ones added); the workflows, their roles and their API routes come from
``statemachines.registry``.
"""

from __future__ import annotations

from troposphere import Template

from .alarms import add_alarms
from .expiry import add_expiry_erasure
from .functions import add_starter, add_thumbnail
from .operations_topic import add_operations_topic
from .outputs import add_outputs
from .parameters import add_parameters
from .rest_api import add_api
from .retention import add_retention_parameter
from .safety_net import add_safety_net_rule
from .stack import Stack
from .storage import add_storage
from .uploads import add_bucket, add_queues
from .workflows import add_workflows

DESCRIPTION = ("ekyc: face-based identity verification (selfie vs. ID document, duplicate "
               "search) with Rekognition, Step Functions and DynamoDB.")


def build() -> Template:
    template = Template(Description=DESCRIPTION)
    template.set_version("2010-09-09")
    stack = Stack(template)
    add_parameters(stack)
    add_retention_parameter(stack)
    add_storage(stack)
    add_queues(stack)
    add_bucket(stack)
    add_thumbnail(stack)
    add_workflows(stack, api=False)
    add_safety_net_rule(stack)
    add_starter(stack)
    add_workflows(stack, api=True)
    add_api(stack)
    add_expiry_erasure(stack)
    add_operations_topic(stack)
    add_alarms(stack)
    add_outputs(stack)
    return template
