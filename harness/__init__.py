"""The test harness, shared by the tests, the benchmarks, the demo and the smoke check:
``scenario_runner`` deploys the workflows and plays scenarios, ``path_coverage`` measures the
states and Choice branches they went through, ``pictures`` draws the test pictures,
``local_stack`` deploys the stack onto the embedded engine, ``story`` is the demo's story,
``smoke`` checks a deployed stack end to end, ``burst`` uploads for many users at once and
``bombs`` makes pictures with too many pixels to decode. Nothing of the product imports it."""
