"""The watch server reads its settings again after site.yaml changes, keeping the
command line's overrides."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from generator.cli import _configure, _parser
from generator.serve import SiteServer
from generator.watch import ChangeKind, ChangeSet


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
