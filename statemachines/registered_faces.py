"""The registered faces among a search's matches.

A face in the collection is a registration, named (ExternalImageId) by its user id, or the face
on a user's ID document, named ``item.ID_FACE_NAME_PREFIX`` + user id: CompareMode COLLECTION
indexes one per user id, and switching back to COMPARE_FACES leaves them in the collection. Only
a registration may authenticate a user or make a new face a duplicate, so every flow that
searches the collection adds its search with ``add_registered_face_search``.

A search answers its ``SEARCH_MAX_FACES`` best matches. When every one of them is an ID face,
a registration ranked below them is not seen: for a duplicate check that is no answer, and
``registration_may_be_hidden`` tells it so, to refuse rather than register the face again
(someone could otherwise hide their registration behind ID documents uploaded under enough
other user ids). For an authentication it is no verification either way.
"""

from __future__ import annotations

from contract import item

from . import asl
from .common import SEARCH_MAX_FACES, search_faces

ID_FACE_NAME_PATTERN = asl.string_pattern_literal(item.ID_FACE_NAME_PREFIX) + "*"

KEEP_REGISTERED_FACES = "Keep the registered faces"
IS_ID_FACE = "Is it the face on an ID document?"
LEAVE_OUT_ID_FACE = "Leave out the ID document's face"
KEEP_REGISTERED_FACE = "Keep the registered face"
# A duplicate check's refusal when registration_may_be_hidden.
HIDDEN_DUPLICATE = "Duplicate not ruled out"
HIDDEN_DUPLICATE_REASON = ("a duplicate cannot be ruled out: every face the search returned is "
                           "on an ID document")


def keep_registered_faces(result_path: str, *, next: str | None) -> asl.State:
    """A Map state that leaves the ID documents' faces out of a search's matches
    (``<result_path>.matches``), keeping the registered faces in their order, best first.

    JSONPath cannot filter by a string's prefix (regular expressions in filters are not
    supported, "Using JSONPath paths", Step Functions Developer Guide), so each match goes
    through a Choice with StringMatches, and comes out as a list: ``[match]`` or ``[]``. The
    Map's result, the list of those lists in the order of the matches (MaxConcurrency 1 runs
    the iterations one by one, in that order: "Map state", Step Functions Developer Guide), is
    flattened by the ResultSelector's ``$[*][*]``; ``<result_path>.searched`` keeps how many
    matches the search answered, ID faces included (States.ArrayLength: a Map's ResultSelector
    takes intrinsics, "Intrinsic functions for JSONPath states", Step Functions Developer
    Guide). A face indexed without an ExternalImageId is no ID document's face and is kept."""
    external_id = "$.Face.ExternalImageId"
    processor = asl.Workflow("Keep the match unless it is the face on an ID document")
    processor.add(IS_ID_FACE, asl.choice(
        [(asl.all_of(asl.is_present(external_id),
                     asl.string_matches(external_id, ID_FACE_NAME_PATTERN)), LEAVE_OUT_ID_FACE)],
        default=KEEP_REGISTERED_FACE))
    processor.add(LEAVE_OUT_ID_FACE, asl.pass_state(parameters={"kept": []},
                                                    output_path="$.kept", next=None))
    processor.add(KEEP_REGISTERED_FACE, asl.pass_state(parameters={"kept.$": "States.Array($)"},
                                                       output_path="$.kept", next=None))
    return asl.inline_map(processor.branch(), items_path=f"{result_path}.matches",
                         max_concurrency=1,
                         result_selector={"matches.$": "$[*][*]",
                                          "searched.$": "States.ArrayLength($)"},
                         result_path=result_path, next=next)


def add_registered_face_search(workflow: asl.Workflow, name: str, image: dict | str, *,
                               threshold: str, result_path: str, catch: list,
                               next: str | None) -> None:
    """Add the search (state ``name``, ``search_faces``) and ``keep_registered_faces`` after
    it, which goes on to ``next``: ``<result_path>.matches`` then holds the registered faces
    at or above ``threshold``, best first, and ``.matches[0]`` is the best of them."""
    workflow.add(name, search_faces(image, threshold=threshold, result_path=result_path,
                                    catch=catch, next=KEEP_REGISTERED_FACES))
    workflow.add(KEEP_REGISTERED_FACES, keep_registered_faces(result_path, next=next))




def registration_may_be_hidden(result_path: str) -> asl.Condition:
    """True when the search at ``result_path`` kept no registered face out of as many matches
    as it asked for: a registered face may rank below the ID faces it answered."""
    return asl.all_of(asl.is_present(f"{result_path}.matches[0]", False),
                      asl.numeric(f"{result_path}.searched", "GreaterThanEquals",
                                  SEARCH_MAX_FACES))
