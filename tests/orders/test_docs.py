from pathlib import Path

from orders.lifecycle_diagram import lifecycle_mermaid


def test_lifecycle_doc_embeds_the_current_diagram() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "lifecycle.md").read_text(encoding="utf-8")
    assert lifecycle_mermaid().strip() in doc
