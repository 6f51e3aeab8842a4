"""The watch server reads its settings again after site.yaml changes, keeping the
command line's overrides; its two threads meet through BuildRequests, and a failed
build is reported without stopping the builder."""

from __future__ import annotations

import io
import queue
import shutil
import threading
from pathlib import Path

from rich.console import Console

from generator.cli import _configure, _parser
from generator.config import load_config
from generator.dev.serve import BuildRequests, SiteServer
from generator.dev.watch import ChangeKind, ChangeSet
from tests.support import REPO


def test_a_settings_change_keeps_the_folders_and_base_url_given_on_the_command_line(
    tmp_path: Path,
) -> None:
    (tmp_path / "site.yaml").write_text("title: Before\n", encoding="utf-8")
    args = _parser().parse_args(
        ["serve", "--base-url", "https://example.org/gazette/", "--output", str(tmp_path / "out")]
    )
    server = SiteServer(
        tmp_path,
        _configure(args, tmp_path),
        console=Console(quiet=True),
        configure=lambda: _configure(args, tmp_path),
    )
    (tmp_path / "site.yaml").write_text("title: After\n", encoding="utf-8")

    server.apply(ChangeSet({tmp_path / "site.yaml": ChangeKind.SETTINGS}))

    assert server.config.title == "After"
    assert server.config.base_url == "https://example.org/gazette/"
    assert server.site_dir == tmp_path / "out"


def test_requests_made_while_a_build_runs_are_taken_together_and_hold_if_any_holds() -> None:
    requests = BuildRequests()
    a, b = Path("content/a.md"), Path("templates/base.html")
    requests.ask(ChangeSet({a: ChangeKind.CONTENT}), hold=False)
    requests.ask(ChangeSet({b: ChangeKind.TEMPLATE}), hold=True)
    taken = requests.take()
    assert taken is not None and taken.hold
    assert taken.changes is not None and taken.changes.paths == {a, b}
    assert not requests.newer(taken)
    requests.edited()
    assert requests.newer(taken)  # an instant render since: the build is out of date


def test_a_stopped_build_is_wanted_again_with_what_it_was_to_announce() -> None:
    requests = BuildRequests()
    a = Path("content/a.md")
    requests.ask(ChangeSet({a: ChangeKind.CONTENT}), hold=True)
    first = requests.take()
    assert first is not None
    requests.again(first)
    second = requests.take()
    assert second is not None and second.hold
    assert second.changes is not None and second.changes.paths == {a}


def test_closing_ends_the_follow_up_builder() -> None:
    requests = BuildRequests()
    taken: queue.Queue[object] = queue.Queue()
    thread = threading.Thread(target=lambda: taken.put(requests.take()))
    thread.start()
    requests.close()
    thread.join(5)
    assert taken.get(timeout=1) is None


def test_a_failed_build_is_reported_and_the_next_change_builds(tmp_path: Path) -> None:
    """A file that cannot be read (the actor registry turned into a folder) fails a build
    with an OSError: it reaches the terminal and the overlay, and the builder goes on."""
    root = tmp_path / "project"
    for folder in ("content", "templates"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy2(REPO / "site.yaml", root / "site.yaml")
    out = io.StringIO()
    server = SiteServer(root, load_config(root), console=Console(file=out, width=200))
    server.full_build()
    builder = threading.Thread(target=server.follow_up, kwargs={"cancelled": lambda: False})
    builder.start()
    try:
        registry = root / "content" / "actors.yaml"
        saved = registry.read_bytes()
        registry.unlink()
        registry.mkdir()
        epoch = server.events.state.epoch
        server.apply(ChangeSet({registry: ChangeKind.CONTENT}))
        failed = server.events.wait_after(epoch, timeout=30)
        assert failed is not None and failed.error is not None
        assert f"{registry}: is a directory" in failed.error
        assert f"{registry}: is a directory" in out.getvalue()

        registry.rmdir()
        registry.write_bytes(saved)
        server.apply(ChangeSet({registry: ChangeKind.CONTENT}))
        fixed = server.events.wait_after(failed.epoch, timeout=30)
        assert fixed is not None and fixed.error is None
        assert builder.is_alive()
    finally:
        server.requests.close()
        builder.join(10)
    assert not builder.is_alive()
