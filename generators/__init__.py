"""The generators: everything committed that Python writes, and the checks run on it.

Each module depends only on those above it in this list, never the other way round:

- ``output``: where the repository is, and writing the files or checking the committed ones;
- ``diagrams``: the Mermaid and SVG drawings of each state machine, from its ASL;
- ``workshop_guide``: docs/workshop.md, from the ASL files, the template and the diagrams;
- ``synth``: the template, the ASL files and the mock config, then the drawings and the guide;
- ``reference_docs``: the counted figures in README.md and docs/, from the code that counts them;
- ``validate_asl``, ``lint_template``, ``lint_error_names``: checks on what was generated.
"""
