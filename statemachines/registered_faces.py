"""The registered faces among a search's matches.

A face in the collection is a registration, named (ExternalImageId) by its user id, or the face
on a user's ID document, named ``item.ID_FACE_NAME_PREFIX`` + user id: CompareMode COLLECTION
indexes one per user id, and switching back to COMPARE_FACES leaves them in the collection. Only
a registration may authenticate a user or make a new face a duplicate, so every flow that
searches the collection adds its search with ``add_registered_face_search``.
"""

from __future__ import annotations

from contract import item

from . import asl
from .common import search_faces

ID_FACE_NAME_PATTERN = asl.string_pattern_literal(item.ID_FACE_NAME_PREFIX) + "*"

KEEP_REGISTERED_FACES = "Keep the registered faces"
IS_ID_FACE = "Is it the face on an ID document?"
LEAVE_OUT_ID_FACE = "Leave out the ID document's face"
KEEP_REGISTERED_FACE = "Keep the registered face"


def keep_registered_faces(result_path: str, *, next: str | None) -> asl.State:
    """A Map state that leaves the ID documents' faces out of a search's matches
    (``<result_path>.matches``), keeping the registered faces in their order, best first.

    JSONPath cannot filter by a string's prefix (regular expressions in filters are not
    supported, "Using JSONPath paths", Step Functions Developer Guide), so each match goes
    through a Choice with StringMatches, and comes out as a list: ``[match]`` or ``[]``. The
    Map's result, the list of those lists in the order of the matches (MaxConcurrency 1 runs
    the iterations one by one, in that order: "Map state", Step Functions Developer Guide), is
    flattened by the ResultSelector's ``$[*][*]``. A face indexed without an ExternalImageId is
    no ID document's face and is kept."""
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
    return asl.map_state(processor.branch(), items_path=f"{result_path}.matches",
                         max_concurrency=1, result_selector={"matches.$": "$[*][*]"},
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


