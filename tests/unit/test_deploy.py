"""Deploy to a branch of a real local repository: a bare 'remote' and a working clone."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from generator.build.lock import project_lock
from generator.cli import main
from generator.deploy import DEFAULT_MESSAGE, deploy
from generator.errors import DeployError

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

SITE = {
    "index.html": "<!doctype html><title>Home</title>\n",
    "404.html": "<!doctype html><title>Not found</title>\n",
    "2023/09/11/us-threatens-sanctions/index.html": "<!doctype html><title>Story</title>\n",
    "static/marginalia.css": "body { margin: 0 }\n",
    "actors/kim-jong-un/café notes.html": "<p>non-ASCII and a space</p>\n",
}


def git(cwd: Path, *args: str) -> str:
    run = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert run.returncode == 0, f"git {' '.join(args)}: {run.stderr}"
    return run.stdout.strip()


def write_files(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def tree_files(repo: Path, ref: str) -> list[str]:
    listing = git(repo, "ls-tree", "-r", "-z", "--name-only", ref)
    return sorted(name for name in listing.split("\0") if name)


def snapshot(repo: Path) -> dict[str, object]:
    """Everything a deploy must leave alone in a working clone."""
    files = {
        path.relative_to(repo).as_posix(): path.read_bytes()
        for path in sorted(repo.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(repo).parts
    }
    branches = git(repo, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads")
    return {
        "HEAD": git(repo, "symbolic-ref", "HEAD"),
        "HEAD commit": git(repo, "rev-parse", "HEAD"),
        "index": git(repo, "ls-files", "--stage"),
        "status": git(repo, "status", "--porcelain", "--ignored"),
        "branches": [line for line in branches.splitlines() if "refs/heads/gh-pages" not in line],
        "files": files,
    }


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A bare CI machine has no git config: give every git here the same identity and
    # keep the machine's own settings out.
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Marginalia Tests")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "tests@example.org")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    return bare


@pytest.fixture
def clone(tmp_path: Path, remote: Path) -> Path:
    """A working clone with one commit on main, and a built (ignored) site/ in it."""
    repo = tmp_path / "clone"
    git(tmp_path, "init", "--quiet", "--initial-branch=main", str(repo))
    write_files(repo, {"README.md": "# An archive\n", ".gitignore": "site/\n"})
    git(repo, "add", "README.md", ".gitignore")
    git(repo, "commit", "--quiet", "-m", "Start the archive")
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "--quiet", "origin", "main")
    write_files(repo / "site", SITE)
    return repo


def test_deploy_publishes_exactly_the_site_and_nojekyll(clone: Path, remote: Path) -> None:
    result = deploy(clone / "site", repo_dir=clone)

    assert result.branch == "gh-pages"
    assert result.changed and result.pushed
    assert result.commit == git(remote, "rev-parse", "refs/heads/gh-pages")
    assert result.commit == git(clone, "rev-parse", "refs/heads/gh-pages")
    assert tree_files(remote, "gh-pages") == sorted([*SITE, ".nojekyll"])
    for name, text in SITE.items():
        assert git(remote, "show", f"gh-pages:{name}") == text.strip()
    assert git(remote, "cat-file", "-s", "gh-pages:.nojekyll") == "0"
    assert git(remote, "log", "-1", "--format=%B", "gh-pages") == DEFAULT_MESSAGE
    assert git(remote, "rev-list", "--count", "gh-pages") == "1"


def test_deploy_leaves_working_tree_index_head_and_branches_alone(clone: Path) -> None:
    before = snapshot(clone)
    assert git(clone, "status", "--porcelain") == ""

    deploy(clone / "site", repo_dir=clone, cname="news.example.org")

    assert snapshot(clone) == before
    assert git(clone, "status", "--porcelain") == ""
    assert not (clone / "site" / ".nojekyll").exists()
    assert not (clone / "site" / "CNAME").exists()


def test_cname_holds_the_domain(clone: Path, remote: Path) -> None:
    deploy(clone / "site", repo_dir=clone, cname="news.example.org")

    assert tree_files(remote, "gh-pages") == sorted([*SITE, ".nojekyll", "CNAME"])
    assert git(remote, "show", "gh-pages:CNAME") == "news.example.org"


def test_cname_that_is_a_url_is_refused(clone: Path) -> None:
    with pytest.raises(DeployError) as caught:
        deploy(clone / "site", repo_dir=clone, cname="https://news.example.org/")
    assert "--cname news.example.org" in (caught.value.fix or "")


def test_second_deploy_without_change_adds_no_commit(clone: Path, remote: Path) -> None:
    first = deploy(clone / "site", repo_dir=clone)

    again = deploy(clone / "site", repo_dir=clone)

    assert not again.changed
    assert again.commit is None
    assert git(remote, "rev-parse", "refs/heads/gh-pages") == first.commit
    assert git(clone, "rev-parse", "refs/heads/gh-pages") == first.commit


def test_changed_site_adds_one_commit_on_top_of_the_last(clone: Path, remote: Path) -> None:
    first = deploy(clone / "site", repo_dir=clone)
    (clone / "site" / "index.html").write_text("<!doctype html><title>New</title>\n")
    (clone / "site" / "404.html").unlink()

    second = deploy(clone / "site", repo_dir=clone, message="Publish the new edition")

    assert second.changed and second.commit != first.commit
    assert git(remote, "rev-parse", "refs/heads/gh-pages") == second.commit
    assert git(remote, "rev-parse", "gh-pages^") == first.commit
    assert git(remote, "rev-list", "--count", "gh-pages") == "2"
    assert "404.html" not in tree_files(remote, "gh-pages")
    assert git(remote, "show", "gh-pages:index.html") == "<!doctype html><title>New</title>"
    assert git(remote, "log", "-1", "--format=%B", "gh-pages") == "Publish the new edition"


def test_no_push_commits_the_branch_locally_only(clone: Path, remote: Path) -> None:
    result = deploy(clone / "site", repo_dir=clone, push=False)

    assert result.changed and not result.pushed
    assert git(clone, "rev-parse", "refs/heads/gh-pages") == result.commit
    assert git(remote, "for-each-ref", "refs/heads/gh-pages") == ""


def test_unchanged_deploy_still_pushes_a_branch_the_remote_lacks(clone: Path, remote: Path) -> None:
    committed = deploy(clone / "site", repo_dir=clone, push=False)

    again = deploy(clone / "site", repo_dir=clone)

    assert not again.changed and again.pushed
    assert git(remote, "rev-parse", "refs/heads/gh-pages") == committed.commit


def test_fresh_clone_builds_on_the_remote_branch(tmp_path: Path, clone: Path, remote: Path) -> None:
    first = deploy(clone / "site", repo_dir=clone)
    fresh = tmp_path / "fresh"
    git(tmp_path, "clone", "--quiet", str(remote), str(fresh))
    write_files(fresh / "site", {**SITE, "index.html": "<title>From CI</title>\n"})

    second = deploy(fresh / "site", repo_dir=fresh)

    assert git(remote, "rev-parse", "gh-pages^") == first.commit
    assert git(remote, "rev-parse", "refs/heads/gh-pages") == second.commit


def test_rejected_push_says_how_to_catch_up(tmp_path: Path, clone: Path, remote: Path) -> None:
    deploy(clone / "site", repo_dir=clone)
    other = tmp_path / "other"
    git(tmp_path, "clone", "--quiet", str(remote), str(other))
    write_files(other / "site", {"index.html": "<title>Elsewhere</title>\n"})
    deploy(other / "site", repo_dir=other)
    (clone / "site" / "index.html").write_text("<title>Here</title>\n")

    with pytest.raises(DeployError) as caught:
        deploy(clone / "site", repo_dir=clone)

    assert "rejected" in caught.value.what
    assert "git fetch origin +gh-pages:gh-pages" in (caught.value.fix or "")
    git(clone, "fetch", "--quiet", "origin", "+gh-pages:gh-pages")
    assert deploy(clone / "site", repo_dir=clone).pushed
    assert git(remote, "show", "gh-pages:index.html") == "<title>Here</title>"


def test_checked_out_branch_is_refused(clone: Path) -> None:
    git(clone, "checkout", "--quiet", "-b", "gh-pages")

    with pytest.raises(DeployError) as caught:
        deploy(clone / "site", repo_dir=clone)

    assert "checked out" in caught.value.what
    assert git(clone, "rev-parse", "gh-pages") == git(clone, "rev-parse", "main")


def test_not_a_repository_raises_with_a_fix(tmp_path: Path) -> None:
    folder = tmp_path / "not-a-repo"
    write_files(folder / "site", SITE)

    with pytest.raises(DeployError) as caught:
        deploy(folder / "site", repo_dir=folder)

    assert "not a git repository" in caught.value.what
    assert caught.value.fix and "git init" in caught.value.fix


@pytest.mark.parametrize("make_site", [False, True], ids=["missing", "empty"])
def test_missing_or_empty_site_says_to_build_first(clone: Path, make_site: bool) -> None:
    shutil.rmtree(clone / "site")
    if make_site:
        (clone / "site" / "empty-folder").mkdir(parents=True)

    with pytest.raises(DeployError) as caught:
        deploy(clone / "site", repo_dir=clone)

    assert caught.value.path == (clone / "site").resolve()
    assert "marginalia build --base-url" in (caught.value.fix or "")


def test_unusual_file_names_are_published_as_they_are(clone: Path, remote: Path) -> None:
    odd = {"line\nbreak.txt": "newline\n", '"quoted".txt': "quote\n", "tab\tname.txt": "tab\n"}
    write_files(clone / "site", odd)

    deploy(clone / "site", repo_dir=clone)

    assert tree_files(remote, "gh-pages") == sorted([*SITE, *odd, ".nojekyll"])


def test_cli_deploy_prints_the_commit_and_branch(
    clone: Path, remote: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--root", str(clone), "deploy"]) == 0
    commit = git(remote, "rev-parse", "refs/heads/gh-pages")
    printed = capsys.readouterr().err
    assert "gh-pages" in printed and commit[:12] in printed

    assert main(["--root", str(clone), "deploy", "--no-push"]) == 0
    assert "nothing changed" in capsys.readouterr().err


def test_cli_deploy_outside_a_repository_is_one_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "not-a-repo"
    write_files(folder / "site", SITE)

    assert main(["--root", str(folder), "deploy"]) == 1
    printed = capsys.readouterr().err
    assert "not a git repository" in printed and "fix:" in printed
    assert "Traceback" not in printed


def test_deploy_waits_for_a_build_and_publishes_the_site_it_left(clone: Path, remote: Path) -> None:
    # A build swaps the whole site in at its end: a deploy must read the old or the new.
    done = threading.Event()
    published: list[object] = []

    def run_deploy() -> None:
        published.append(deploy(clone / "site", repo_dir=clone))
        done.set()

    with project_lock(clone):  # a build of the project is running
        deployer = threading.Thread(target=run_deploy)
        deployer.start()
        assert not done.wait(1.0)
        write_files(clone / "site", {"index.html": "<p>the new site</p>\n"})
    deployer.join(timeout=60)
    assert done.is_set() and published
    assert git(remote, "show", "gh-pages:index.html") == "<p>the new site</p>"


def test_deploy_reports_the_size_github_pages_counts(clone: Path) -> None:
    result = deploy(clone / "site", repo_dir=clone, push=False)
    assert result.size is not None
    assert result.size.files == len(list((clone / "site").rglob("*.*")))
    assert not result.size.over_pages_limit


def test_a_site_over_the_pages_limit_is_refused_before_any_commit(
    clone: Path, remote: Path
) -> None:
    # A sparse file: 1 GiB to publish without writing 1 GiB.
    with (clone / "site" / "big.bin").open("wb") as big:
        big.truncate(2**30)
    before = snapshot(clone)
    with pytest.raises(DeployError) as caught:
        deploy(clone / "site", repo_dir=clone)
    assert "over its limit of 1 GB" in caught.value.what
    assert "--allow-oversize" in (caught.value.fix or "")
    assert snapshot(clone) == before
    assert git(clone, "branch", "--list", "gh-pages") == ""


def test_cli_deploy_says_the_size_and_refuses_an_oversize_site_unless_allowed(
    clone: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--root", str(clone), "deploy", "--no-push"]) == 0
    assert "of GitHub Pages' 1 GB" in capsys.readouterr().err

    with (clone / "site" / "big.bin").open("wb") as big:
        big.truncate(2**30)  # sparse: 1 GiB to publish without writing it
    assert main(["--root", str(clone), "deploy", "--no-push"]) == 1
    printed = capsys.readouterr().err
    assert "over its limit of 1 GB" in printed and "--allow-oversize" in printed
    assert "Traceback" not in printed
