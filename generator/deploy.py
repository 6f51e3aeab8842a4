"""Publish the built site to a git branch for GitHub Pages, like ghp-import.

Only the object store and one branch ref change: the site's files are hashed into
blobs, listed in a throwaway index, written as one tree and committed on top of the
branch. The working tree, the real index, HEAD and every other branch stay as they are.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.build.lock import project_lock
from generator.build.site_size import SiteSize, measure
from generator.errors import DeployError

log = logging.getLogger(__name__)

DEFAULT_BRANCH = "gh-pages"
DEFAULT_MESSAGE = "Deploy site with Marginalia"
# GitHub Pages runs Jekyll over a branch unless this file is there, and Jekyll drops
# files and folders that start with '_' or '.'.
NOJEKYLL = ".nojekyll"
CNAME = "CNAME"

_BUILD_FIX = "run 'marginalia build --base-url https://<user>.github.io/<repo>/' first"
# Variables that would point git away from repo_dir or at the real index.
_REPO_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")


@dataclass(frozen=True, slots=True)
class DeployResult:
    """What a deploy did: the new commit on the branch (None if nothing changed)."""

    branch: str
    commit: str | None
    changed: bool
    pushed: bool
    size: SiteSize  # the site as GitHub Pages counts it


@dataclass(frozen=True, slots=True)
class _SiteFile:
    path: str  # relative to the site, with '/'
    source: Path
    mode: str
    size: int = 0


def deploy(
    site_dir: Path,
    *,
    repo_dir: Path,
    branch: str = DEFAULT_BRANCH,
    remote: str | None = "origin",
    cname: str | None = None,
    message: str | None = None,
    push: bool = True,
    allow_oversize: bool = False,
) -> DeployResult:
    """Commit site_dir as the whole tree of `branch` in repo_dir, then push it to remote.

    A site over GitHub Pages' 1 GB is refused before anything is committed, unless
    allow_oversize (another host may take it)."""
    if shutil.which("git") is None:
        raise DeployError(
            "git is not installed (no 'git' on the PATH)",
            fix="install git (e.g. 'apt-get install git') and deploy again",
        )
    domain = _checked_domain(cname) if cname is not None else None
    site_dir = Path(site_dir).resolve()
    repo_dir = Path(repo_dir).resolve()
    _check_repository(repo_dir)
    # Read while no build runs, so the branch gets one site, not two halves.
    with project_lock(repo_dir):
        files = _read_site(site_dir)
    size = measure((file.path, file.size) for file in files.values())
    if size.over_pages_limit and not allow_oversize:
        raise DeployError(
            str(size.warning()),
            path=site_dir,
            fix="make the site smaller, or deploy with --allow-oversize to push it anyway "
            "(for a host other than GitHub Pages)",
        )
    _check_branch(repo_dir, branch)
    ref = f"refs/heads/{branch}"
    local = _commit_of(repo_dir, ref)
    parent = local or (_commit_of(repo_dir, f"refs/remotes/{remote}/{branch}") if remote else None)

    with tempfile.TemporaryDirectory(prefix="marginalia-deploy-") as scratch:
        extras = {NOJEKYLL: b""}
        if domain is not None:
            extras[CNAME] = (domain + "\n").encode()
        for name, data in extras.items():
            (Path(scratch) / name).write_bytes(data)
            files[name] = _SiteFile(name, Path(scratch) / name, "100644")
        tree = _write_tree(repo_dir, list(files.values()), index=Path(scratch) / "index")

    if parent is not None and _git(repo_dir, "rev-parse", f"{parent}^{{tree}}") == tree:
        log.debug("tree %s is already on %s", tree, branch)
        # A local branch is pushed anyway, so a remote that missed an earlier push catches up.
        if push and remote is not None and local is not None:
            _push(repo_dir, remote, branch, commit=None)
            return DeployResult(branch, None, changed=False, pushed=True, size=size)
        return DeployResult(branch, None, changed=False, pushed=False, size=size)

    commit = _commit(repo_dir, tree, parent=parent, message=message or DEFAULT_MESSAGE)
    # The old value makes the update fail, not clobber, if the branch moved meanwhile.
    _git(
        repo_dir,
        "update-ref",
        "-m",
        "marginalia deploy",
        ref,
        commit,
        local or "",
        what=f"could not move {branch} to the new commit",
        fix="another process changed the branch while deploying: deploy again",
    )
    if push and remote is not None:
        _push(repo_dir, remote, branch, commit=commit)
        return DeployResult(branch, commit, changed=True, pushed=True, size=size)
    return DeployResult(branch, commit, changed=True, pushed=False, size=size)


def _read_site(site_dir: Path) -> dict[str, _SiteFile]:
    if not site_dir.is_dir():
        raise DeployError(
            "there is no built site to deploy: the folder does not exist",
            path=site_dir,
            fix=_BUILD_FIX,
        )
    files: dict[str, _SiteFile] = {}
    for folder, subfolders, names in os.walk(site_dir):
        # git refuses any path with a '.git' part, and a site has no use for one.
        subfolders[:] = sorted(name for name in subfolders if name != ".git")
        for name in sorted(names):
            source = Path(folder, name)
            if name == ".git" or not source.is_file():
                continue
            info = source.stat()
            executable = info.st_mode & stat.S_IXUSR
            path = source.relative_to(site_dir).as_posix()
            files[path] = _SiteFile(
                path, source, "100755" if executable else "100644", info.st_size
            )
    if not files:
        raise DeployError(
            "there is no built site to deploy: the folder has no files",
            path=site_dir,
            fix=_BUILD_FIX,
        )
    return files


def _check_repository(repo_dir: Path) -> None:
    run = _run(repo_dir, ["rev-parse", "--git-dir"])
    if run.returncode != 0:
        raise DeployError(
            f"not a git repository: {_stderr(run) or 'git rev-parse failed'}",
            path=repo_dir,
            fix="deploy from a clone of the site's GitHub repository "
            "(pass --root DIR), or make one with 'git init' and 'git remote add origin URL'",
        )


def _check_branch(repo_dir: Path, branch: str) -> None:
    run = _run(repo_dir, ["check-ref-format", f"refs/heads/{branch}"])
    if run.returncode != 0 or branch.startswith("-"):
        raise DeployError(
            f"'{branch}' is not a valid branch name",
            fix="use a plain branch name, e.g. --branch gh-pages",
        )
    worktrees = _git(repo_dir, "worktree", "list", "--porcelain")
    if f"branch refs/heads/{branch}" in worktrees.splitlines():
        raise DeployError(
            f"'{branch}' is checked out, and deploying would replace the files of that checkout",
            path=repo_dir,
            fix="switch that checkout to another branch, or deploy to another one "
            "(--branch); deploy never touches a checked-out branch",
        )


def _checked_domain(cname: str) -> str:
    domain = cname.strip()
    if not domain or any(char in domain for char in "/:@ \t\r\n"):
        raise DeployError(
            f"'{cname}' is not a domain name for CNAME",
            fix="give the bare domain the site is served on, e.g. --cname news.example.org",
        )
    return domain


def _commit_of(repo_dir: Path, ref: str) -> str | None:
    run = _run(repo_dir, ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"])
    if run.returncode != 0:
        return None
    return run.stdout.decode().strip() or None


def _write_tree(repo_dir: Path, files: Sequence[_SiteFile], *, index: Path) -> str:
    """Hash every file into the object store and write them as one tree."""
    paths = b"".join(_quoted(os.fsencode(file.source)) + b"\n" for file in files)
    hashes = _git(repo_dir, "hash-object", "-w", "--no-filters", "--stdin-paths", stdin=paths)
    blobs = hashes.split()
    assert len(blobs) == len(files)
    entries = b"".join(
        f"{file.mode} {blob}\t".encode() + os.fsencode(file.path) + b"\0"
        for file, blob in zip(files, blobs, strict=True)
    )
    # A fresh index file of our own keeps the real index and working tree out of it.
    scratch = {"GIT_INDEX_FILE": str(index)}
    _git(repo_dir, "update-index", "--add", "-z", "--index-info", stdin=entries, env=scratch)
    return _git(repo_dir, "write-tree", env=scratch)


def _quoted(path: bytes) -> bytes:
    # --stdin-paths reads one path a line, and unquotes a line that starts with '"'.
    if b"\n" not in path and not path.startswith(b'"'):
        return path
    escaped = path.replace(b"\\", b"\\\\").replace(b'"', b'\\"').replace(b"\n", b"\\n")
    return b'"' + escaped + b'"'


def _commit(repo_dir: Path, tree: str, *, parent: str | None, message: str) -> str:
    parents = ["-p", parent] if parent else []
    return _git(
        repo_dir,
        "commit-tree",
        tree,
        *parents,
        "-F",
        "-",
        stdin=message.encode(),
        what="could not commit the site",
        fix="tell git who commits: 'git config user.name \"Your Name\"' and "
        "'git config user.email you@example.org' (in CI, set GIT_AUTHOR_NAME, "
        "GIT_AUTHOR_EMAIL, GIT_COMMITTER_NAME and GIT_COMMITTER_EMAIL)",
    )


def _push(repo_dir: Path, remote: str, branch: str, *, commit: str | None) -> None:
    ref = f"refs/heads/{branch}"
    run = _run(repo_dir, ["push", remote, f"{ref}:{ref}"])
    if run.returncode == 0:
        return
    done = f"committed {commit[:12]} on {branch}, but " if commit else ""
    stderr = _stderr(run)
    if "[rejected]" in stderr or "non-fast-forward" in stderr or "fetch first" in stderr:
        raise DeployError(
            f"{done}{remote} rejected the push of {branch}: {stderr}",
            path=repo_dir,
            fix=f"{remote}'s {branch} has commits this clone lacks: take them with "
            f"'git fetch {remote} +{branch}:{branch}', then deploy again",
        )
    raise DeployError(
        f"{done}could not push {branch} to {remote}: {stderr}",
        path=repo_dir,
        fix=f"check that '{remote}' is a remote you may push to ('git remote -v'), then "
        f"'git push {remote} {branch}'; or deploy with --no-push",
    )


def _git(
    repo_dir: Path,
    *args: str,
    stdin: bytes | None = None,
    env: Mapping[str, str] | None = None,
    what: str | None = None,
    fix: str | None = None,
) -> str:
    """Run one git command in repo_dir and return its output, or raise a DeployError."""
    run = _run(repo_dir, list(args), stdin=stdin, env=env)
    if run.returncode != 0:
        raise DeployError(
            f"{what or f'git {args[0]} failed'}: {_stderr(run)}",
            path=repo_dir,
            fix=fix or "fix what git says above, then deploy again",
        )
    return run.stdout.decode().strip()


def _run(
    repo_dir: Path,
    args: list[str],
    *,
    stdin: bytes | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    environment = {k: v for k, v in os.environ.items() if k not in _REPO_VARIABLES}
    environment.update(env or {})
    command = ["git", "-C", str(repo_dir), *args]
    log.debug("running %s", " ".join(command))
    try:
        return subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            env=environment,
            check=False,
            stdin=None if stdin is not None else subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise DeployError(
            "git is not installed (no 'git' on the PATH)",
            fix="install git (e.g. 'apt-get install git') and deploy again",
        ) from None


def _stderr(run: subprocess.CompletedProcess[bytes]) -> str:
    return run.stderr.decode(errors="replace").strip()
