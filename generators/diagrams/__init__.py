"""Draw every state machine as a Mermaid flowchart and as an SVG, straight from its ASL.

    python -m generators.diagrams            # write statemachines/<name>.mmd and <name>.svg
    python -m generators.diagrams --check    # fail when a committed diagram differs or is missing

The SVG is laid out here, in pure Python, so no Graphviz, mermaid-cli or browser is needed:
states are put in layers by their longest path from ``StartAt`` (edges that would close a cycle
are turned around for the layout), long edges get invisible waypoints in the layers they cross,
a few barycenter sweeps order each layer to cut crossings, and every layer is then placed by an
isotonic regression that keeps the order and the minimum gaps, so no two boxes overlap. The
states of a Parallel state's branches are laid out with the rest and framed by a dashed box.

The modules, each using only those before it:

- ``edges``: each state's ways out and their labels, a Task's integration;
- ``mermaid``: the Mermaid flowchart;
- ``layering``: the layout's layers and the order within each;
- ``placement``: the layout's coordinates (boxes, frames, edge routes);
- ``svg``: the SVG drawn from the layout;
- ``cli``: which files they go to, written or checked.
"""

GENERATED_BY = "python -m generators.diagrams"
