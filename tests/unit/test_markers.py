"""The conftest hook that gives every test its kind, run on small throwaway test trees (pytester).

The trees declare the project's own markers (read from pyproject.toml) and load tests/conftest.py as a
plugin, so the hook, the fixtures and `--strict-markers` are the ones the real suite runs with.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
pytest_plugins = ["pytester"]

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def tree(pytester: pytest.Pytester) -> pytest.Pytester:
    options = tomllib.loads((REPOSITORY / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]
    markers = options["ini_options"]["markers"]
    pytester.makepyprojecttoml(
        '[tool.pytest.ini_options]\naddopts = "--strict-markers"\nmarkers = [\n'
        + "".join(f"  {marker!r},\n" for marker in markers)
        + "]\n"
    )
    return pytester


def write(tree: pytest.Pytester, path: str, source: str) -> None:
    file = tree.path / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text("import pytest\n\n" + source, encoding="utf-8")


def collect(tree: pytest.Pytester, *args: str) -> pytest.RunResult:
    # Without Hypothesis' plugin: each run in this process would import Hypothesis afresh (seconds).
    plugins = ("-p", "tests.conftest", "-p", "no:cacheprovider", "-p", "no:hypothesispytest")
    return tree.runpytest(*plugins, "--collect-only", "-q", *args)


def collected(result: pytest.RunResult) -> list[str]:
    return sorted(line for line in result.outlines if "::" in line)


def test_the_folder_gives_the_kind_and_the_fixtures_give_the_servers(tree: pytest.Pytester) -> None:
    write(tree, "tests/unit/test_rule_of_a.py", "def test_pure():\n    pass\n")
    write(tree, "tests/integration/test_files_of_a.py", "def test_on_sqlite(sqlite_url):\n    pass\n")
    write(tree, "tests/integration/test_broker_of_a.py", "def test_on_kafka(topic):\n    pass\n")
    write(tree, "tests/integration/test_both_of_a.py", "def test_on_both(database_url):\n    pass\n")
    write(tree, "tests/e2e/test_whole_of_a.py", "def test_all(kafka_bootstrap, postgres_url):\n    pass\n")

    assert collected(collect(tree, "-m", "unit")) == ["tests/unit/test_rule_of_a.py::test_pure"]
    assert collected(collect(tree, "-m", "integration")) == [
        "tests/integration/test_both_of_a.py::test_on_both[postgres]",
        "tests/integration/test_both_of_a.py::test_on_both[sqlite]",
        "tests/integration/test_broker_of_a.py::test_on_kafka",
        "tests/integration/test_files_of_a.py::test_on_sqlite",
    ]
    assert collected(collect(tree, "-m", "e2e")) == ["tests/e2e/test_whole_of_a.py::test_all"]
    assert collected(collect(tree, "-m", "kafka")) == [
        "tests/e2e/test_whole_of_a.py::test_all",
        "tests/integration/test_broker_of_a.py::test_on_kafka",
    ]
    assert collected(collect(tree, "-m", "postgres")) == [
        "tests/e2e/test_whole_of_a.py::test_all",
        "tests/integration/test_both_of_a.py::test_on_both[postgres]",
    ]
    assert collect(tree, "-m", "not (unit or integration or e2e)").ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_a_marker_that_agrees_with_the_folder_may_stay(tree: pytest.Pytester) -> None:
    write(
        tree, "tests/unit/test_rule_of_b.py", "pytestmark = pytest.mark.unit\n\ndef test_pure():\n    pass\n"
    )
    write(
        tree,
        "tests/integration/test_broker_of_b.py",
        "pytestmark = pytest.mark.kafka\n\ndef test_own_broker():\n    pass\n",
    )

    result = collect(tree, "-m", "integration and kafka")

    assert collected(result) == ["tests/integration/test_broker_of_b.py::test_own_broker"]


@pytest.mark.parametrize(
    ("path", "source", "complaint"),
    [
        pytest.param(
            "tests/test_loose.py",
            "def test_somewhere():\n    pass\n",
            "tests/test_loose.py::test_somewhere: outside tests/unit, tests/integration and tests/e2e",
            id="outside-the-kind-folders",
        ),
        pytest.param(
            "tests/unit/test_server_in_unit.py",
            "def test_needs_kafka(kafka_bootstrap):\n    pass\n",
            "tests/unit/test_server_in_unit.py::test_needs_kafka: a unit test asks for the fixture "
            "kafka_bootstrap: move it to tests/integration",
            id="unit-asks-for-kafka",
        ),
        pytest.param(
            "tests/unit/test_database_in_unit.py",
            "def test_needs_a_database(database_url):\n    pass\n",
            "tests/unit/test_database_in_unit.py::test_needs_a_database[sqlite]: a unit test asks for the "
            "fixture database_url",
            id="unit-asks-for-a-database",
        ),
        pytest.param(
            "tests/unit/test_marked_in_unit.py",
            "@pytest.mark.postgres\ndef test_marked():\n    pass\n",
            "tests/unit/test_marked_in_unit.py::test_marked: a unit test marked postgres",
            id="unit-marked-postgres",
        ),
        pytest.param(
            "tests/integration/test_unit_elsewhere.py",
            "pytestmark = pytest.mark.unit\n\ndef test_misplaced():\n    pass\n",
            "tests/integration/test_unit_elsewhere.py::test_misplaced: marked unit in tests/integration: "
            "move it to tests/unit or drop the marker",
            id="integration-marked-unit",
        ),
    ],
)
def test_a_test_without_its_kind_stops_the_run(
    tree: pytest.Pytester, path: str, source: str, complaint: str
) -> None:
    write(tree, "tests/unit/test_fine.py", "def test_pure():\n    pass\n")
    write(tree, path, source)

    result = collect(tree, "-m", "unit")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert complaint in result.stderr.str()
    assert "tests/unit/test_fine.py" not in result.stderr.str()
