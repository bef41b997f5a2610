"""generators/output.py: every generator writes its files, or with ``--check`` names each
committed file that is missing or differs and fails."""

from __future__ import annotations

import pytest

from generators import output, workshop_guide
from generators.diagrams import cli as diagrams


@pytest.mark.parametrize("module", [diagrams, workshop_guide])
def test_check_reports_missing_and_stale_files(module, tmp_path, monkeypatch, capsys):
    target = tmp_path / "out" / "thing.txt"
    monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.setattr(module, "artifacts", lambda: {target: "fresh\n"})
    target.parent.mkdir()
    assert module.main(["--check"]) == 1
    assert "out/thing.txt: missing" in capsys.readouterr().out
    assert module.main([]) == 0
    assert target.read_text() == "fresh\n"
    assert module.main(["--check"]) == 0
    target.write_text("stale\n")
    assert module.main(["--check"]) == 1
    assert "out/thing.txt: differs" in capsys.readouterr().out
    assert target.read_text() == "stale\n"


def test_drift_shows_a_diff_of_a_changed_file_and_names_a_missing_one(tmp_path):
    path = tmp_path / "x.asl.json"
    path.write_text('{"old": true}\n')
    problems = output.drift({path: '{"new": true}\n', tmp_path / "gone.json": "{}\n"},
                            root=tmp_path)
    assert len(problems) == 2
    assert problems[0].startswith("x.asl.json: differs\n")
    assert '-{"old": true}' in problems[0] and '+{"new": true}' in problems[0]
    assert problems[1] == "gone.json: missing\n"
    assert output.drift({path: '{"old": true}\n'}, root=tmp_path) == []
