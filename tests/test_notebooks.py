"""The notebooks are tutorials with their answers saved: a reader sees the tables, pictures and
verdicts without running anything (nbmake runs them all again in the suite)."""

from __future__ import annotations

import json

from helpers import CHECKOUT

NOTEBOOKS = CHECKOUT / "notebooks"


def _outputs(name: str) -> list[dict]:
    nb = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    return [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]


def _text(outputs: list[dict]) -> str:
    return "\n".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", "")) for o in outputs)


def test_every_notebook_keeps_its_outputs_and_no_warnings() -> None:
    names = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    assert len(names) >= 5
    for name in names:
        outputs = _outputs(name)
        assert outputs, name
        assert not [o for o in outputs if o.get("name") == "stderr"], name


def test_the_tutorials_show_their_pictures_and_verdicts() -> None:
    assert any("image/png" in o.get("data", {}) for o in _outputs("02_membership_over_time.ipynb"))
    assert "outdated since 2025-09-01" in _text(_outputs("04_fact_checking_an_article.ipynb"))
    assert "role unknown" in _text(_outputs("05_comparing_with_wikidata.ipynb"))
