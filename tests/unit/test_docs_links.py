"""The operator, steward and investigator guides link only to files and headings that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
GUIDES = ("docs/operators.md", "docs/stewards.md", "docs/investigators.md", "deploy/README.md")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def heading_anchors(markdown: str) -> set[str]:
    """GitHub's anchors: lower case, punctuation dropped (hyphens kept), each space a hyphen."""
    outside_code = re.sub(r"^```.*?^```", "", markdown, flags=re.DOTALL | re.MULTILINE)
    headings = re.findall(r"^#{1,6} (.+)$", outside_code, flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def broken_links(guide: Path) -> list[str]:
    problems = []
    for target in LINK.findall(guide.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):  # http(s), mailto: not ours to check offline
            continue
        path_part, _, anchor = target.partition("#")
        linked = (guide.parent / path_part).resolve() if path_part else guide
        if not linked.exists():
            problems.append(f"{target}: no such file")
        elif (
            anchor
            and linked.suffix == ".md"
            and anchor not in heading_anchors(linked.read_text(encoding="utf-8"))
        ):
            problems.append(f"{target}: no such heading")
    return problems


@pytest.mark.parametrize("guide", GUIDES)
def test_links_resolve(guide: str) -> None:
    assert broken_links(PROJECT_ROOT / guide) == []


def test_anchors_follow_github_rules() -> None:
    text = "# Docker Compose: `neo4j-admin database dump` / `load`\n## /review — steward review\n"
    assert heading_anchors(text) == {
        "docker-compose-neo4j-admin-database-dump--load",
        "review--steward-review",
    }


def test_a_broken_link_is_reported(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Real heading\n", encoding="utf-8")
    guide = tmp_path / "guide.md"
    guide.write_text("[a](other.md#real-heading) [b](other.md#gone) [c](missing.md) [d](https://x.y)\n")
    assert broken_links(guide) == ["other.md#gone: no such heading", "missing.md: no such file"]
