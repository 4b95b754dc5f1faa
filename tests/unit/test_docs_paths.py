"""The docs and the code point at each other, and both ends exist: every repository path in docs/*.md
(under services/, devstack/, tests/, infra/ or protos/) exists, so a newcomer who follows one lands
somewhere, and every "DOMAIN.md § N" the code cites is a section of docs/DOMAIN.md. A module moved or
renamed without its docs fails here, naming the document, the line and the path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted((ROOT / "docs").glob("*.md"))
CITING = ("services", "devstack", "tests")  # where code and tests cite DOMAIN.md by section

# A path starts at one of the repository's top folders and runs over path characters; one followed by
# "<" is a pattern (services/<service>/service.py) and names no single file.
PATH = re.compile(r"(?<![\w./-])((?:services|devstack|tests|infra|protos)/[\w./-]*[\w/])(?!<)")


def named_paths(text: str) -> list[tuple[int, str]]:
    """(line number, path) of every repository path the text names."""
    return [
        (number, match.group(1))
        for number, line in enumerate(text.splitlines(), start=1)
        for match in PATH.finditer(line)
    ]


def test_the_pattern_finds_paths_and_leaves_out_patterns() -> None:
    text = (
        "→ `services/billing/domain/kid.py` (`new_kid`), see tests/unit/test_identity.py.\n"
        "each `services/<service>/service.py`; not a path: my_services/x.py or services.platform.money"
    )
    assert named_paths(text) == [
        (1, "services/billing/domain/kid.py"),
        (1, "tests/unit/test_identity.py"),
    ]


def test_there_are_docs_to_check() -> None:
    names = {doc.name for doc in DOCS}
    assert {"ARCHITECTURE.md", "DOMAIN.md"} <= names
    for doc in DOCS:
        assert len(named_paths(doc.read_text(encoding="utf-8"))) >= 10, f"{doc.name} names hardly any path"


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.name)
def test_every_path_named_in_the_docs_exists(doc: Path) -> None:
    missing = [
        f"docs/{doc.name}:{number}: {path}"
        for number, path in named_paths(doc.read_text(encoding="utf-8"))
        if not (ROOT / path).exists()
    ]
    assert not missing, "paths in the docs that do not exist:\n" + "\n".join(missing)


CITATION = re.compile(r"DOMAIN\.md §+ ?(\d+)")
SECTION = re.compile(r"^## (\d+)\. ", re.M)


def test_every_domain_section_the_code_cites_is_in_the_domain_doc() -> None:
    sections = set(SECTION.findall((ROOT / "docs" / "DOMAIN.md").read_text(encoding="utf-8")))
    assert sections == {str(n) for n in range(1, 8)}, "DOMAIN.md keeps its sections § 1 to § 7"
    cited = {
        (str(path.relative_to(ROOT)), number)
        for folder in CITING
        for path in sorted((ROOT / folder).rglob("*.py")) + sorted((ROOT / folder).rglob("*.yaml"))
        for number in CITATION.findall(path.read_text(encoding="utf-8"))
    }
    assert cited, "the code cites DOMAIN.md by section"
    dangling = sorted(f"{path}: DOMAIN.md § {number}" for path, number in cited if number not in sections)
    assert not dangling, "citations of sections DOMAIN.md does not have:\n" + "\n".join(dangling)
