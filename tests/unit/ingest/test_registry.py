"""`marginalia actors add`: entries appended to content/actors.yaml in the file's style,
every byte already there kept; refusals that name the file, say what and leave it alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.content.actors import ActorType
from generator.content.loading import load_actors
from tests.support import REPO


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir()
    shutil.copy2(REPO / "content" / "actors.yaml", tmp_path / "content" / "actors.yaml")
    return tmp_path


def add(root: Path, *args: str) -> int:
    return main(["--root", str(root), "actors", "add", *args])


def registry(root: Path) -> Path:
    return root / "content" / "actors.yaml"


def test_add_keeps_every_byte_and_appends_in_the_files_style(root: Path) -> None:
    before = registry(root).read_bytes()
    assert add(root, "Denis Manturov", "--alias", "Denis Valentinovich Manturov",
               "--short", "Manturov") == 0  # fmt: skip
    after = registry(root).read_bytes()
    assert after.startswith(before)
    assert after[len(before) :].decode() == (
        "\n"
        "- id: denis-manturov\n"
        "  name: Denis Manturov\n"
        "  type: person\n"
        "  aliases: [Denis Valentinovich Manturov]\n"
        "  short: [Manturov]\n"
    )
    actors = {actor.id: actor for actor in load_actors(root / "content")}
    new = actors["denis-manturov"]
    assert (new.name, new.type, new.aliases, new.short) == (
        "Denis Manturov",
        ActorType.PERSON,
        ("Denis Valentinovich Manturov",),
        ("Manturov",),
    )
    assert list(actors)[:-1] == [a.id for a in load_actors(REPO / "content")]


def test_several_names_one_entry_each_with_the_type(root: Path) -> None:
    before = registry(root).read_bytes()
    assert add(root, "Hamas", "Hezbollah", "--type", "group") == 0
    tail = registry(root).read_bytes()[len(before) :].decode()
    assert tail == (
        "\n- id: hamas\n  name: Hamas\n  type: group\n"
        "\n- id: hezbollah\n  name: Hezbollah\n  type: group\n"
    )


def test_block_style_registry_without_blank_lines_gets_block_entries(root: Path) -> None:
    text = (
        "# people\n"
        "  - id: ana-lima   # indented list\n"
        "    name: 'Ana Lima'\n"
        "    type: person\n"
        "    aliases:\n"
        "      - A. Lima\n"
        "  - id: ben-okafor\n"
        "    name: Ben Okafor\n"
        "    type: person\n"
    )
    registry(root).write_text(text, "utf-8")
    assert add(root, "Chen Wei", "--alias", "Wei Chen") == 0
    after = registry(root).read_text("utf-8")
    assert after == text + (
        "  - id: chen-wei\n    name: Chen Wei\n    type: person\n    aliases:\n      - Wei Chen\n"
    )
    assert [a.id for a in load_actors(root / "content")] == ["ana-lima", "ben-okafor", "chen-wei"]


def test_names_that_need_quoting_are_quoted_and_load_back(root: Path) -> None:
    assert add(root, "Jean-Yves Le Drian", "--alias", "Le Drian: the minister") == 0
    assert add(root, "José #1 Ramos", "--alias", "'Yes' Party") == 0
    actors = {a.id: a for a in load_actors(root / "content")}
    assert actors["jean-yves-le-drian"].aliases == ("Le Drian: the minister",)
    assert actors["jose-1-ramos"].name == "José #1 Ramos"
    assert actors["jose-1-ramos"].aliases == ("'Yes' Party",)


def test_add_creates_the_registry_when_absent(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    assert add(tmp_path, "Ana Lima") == 0
    assert (
        registry(tmp_path).read_text("utf-8")
        == "- id: ana-lima\n  name: Ana Lima\n  type: person\n"
    )


def refused(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    before = registry(root).read_bytes()
    assert add(root, *args) == 1
    assert registry(root).read_bytes() == before
    assert not list(registry(root).parent.glob(".*.tmp"))
    err = capsys.readouterr().err
    assert "Traceback" not in err and "fix:" in err
    assert str(registry(root)) in err
    return err


def test_refuses_a_registered_id(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(root, capsys, "Vladimir  Putin")
    assert "'vladimir-putin'" in err and "'Vladimir Putin'" in err


def test_refuses_a_registered_name_or_alias_and_names_its_actor(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = refused(root, capsys, "Sergey Shoygu")  # another actor's alias, another slug
    assert (
        "'Sergey Shoygu' is already the name or an alias of 'Sergei Shoigu' (sergei-shoigu)" in err
    )
    err = refused(root, capsys, "Someone New", "--alias", "DPRK")
    assert "'DPRK'" in err and "(north-korea)" in err


def test_refuses_the_same_name_twice_in_one_command(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "ana-lima" in refused(root, capsys, "Ana Lima", "Ana  Lima")


def test_refuses_an_unknown_type(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(root, capsys, "Ana Lima", "--type", "company")
    assert "'company' is not an actor type" in err and "organization" in err


def test_refuses_aliases_with_several_names(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = registry(root).read_bytes()
    assert add(root, "Ana Lima", "Ben Okafor", "--short", "Lima") == 1
    assert registry(root).read_bytes() == before
    assert "one at a time" in capsys.readouterr().err


def test_refuses_a_registry_that_does_not_parse(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registry(root).write_text("- id: a\n  name: [unclosed\n", "utf-8")
    err = refused(root, capsys, "Ana Lima")
    assert f"{registry(root)}:" in err  # with its line


def test_refuses_when_the_result_would_not_load(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A flow list parses and loads, but entries appended after it would not.
    registry(root).write_text("[{id: ana-lima, name: Ana Lima, type: person}]\n", "utf-8")
    assert "would not load" in refused(root, capsys, "Ben Okafor")


def test_refuses_a_name_without_an_id(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "no id can be made" in refused(root, capsys, "Путин")
