"""marginalia check: what a build validates and the site's links, without writing the site."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.build.build import build
from generator.build.check import CheckReport, check_project
from generator.build.links import LinkResolver, find_broken_links, read_page_links
from generator.config import load_config
from tests.support import REPO, golden_project, site_tree

ARTICLES = Path("content/articles")


def run_check(root: Path) -> CheckReport:
    return check_project(root, configure=lambda: load_config(root))


def built_golden(tmp_path: Path) -> Path:
    root = golden_project(tmp_path / "project")
    build(root, load_config(root))
    return root


def append(path: Path, text: str) -> int:
    """Append lines to a file; the 1-based line number of the first one added."""
    before = path.read_text(encoding="utf-8")
    if not before.endswith("\n"):
        before += "\n"
    path.write_text(before + text, encoding="utf-8")
    return before.count("\n") + 1


def texts(report: CheckReport) -> list[str]:
    return [problem.text() for problem in report.errors]


def test_the_shipped_project_checks_clean_before_and_after_a_build(tmp_path: Path) -> None:
    root = tmp_path / "shipped"
    root.mkdir()
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy2(REPO / "site.yaml", root / "site.yaml")
    unbuilt = run_check(root)
    assert unbuilt.errors == (), texts(unbuilt)
    assert unbuilt.exit_code() == 0 and unbuilt.links > 0
    build(root, load_config(root))
    built = run_check(root)
    assert built.errors == () and built.exit_code() == 0
    assert built.rendered == 0  # every page read from site/, as built


def test_a_broken_link_a_broken_anchor_and_a_content_error_in_one_run(tmp_path: Path) -> None:
    root = built_golden(tmp_path)
    linking = root / ARTICLES / "2024/01/river-levels-fall.md"
    anchoring = root / ARTICLES / "2024/03/authority-publishes-study.md"
    broken = root / ARTICLES / "2024/02/minister-visits-site.md"
    link_line = append(linking, "\nSee [the report](/gazette/no/such/page/).\n") + 1
    anchor_line = append(anchoring, "\nSee [the editions](/gazette/editions/#nowhere).\n") + 1
    text = broken.read_text(encoding="utf-8")
    broken.write_text(text.replace("date: ", "colour: red\ndate: ", 1), encoding="utf-8")
    error_line = text.split("\n").index(next(x for x in text.split("\n") if x.startswith("date:")))

    report = run_check(root)

    found = texts(report)
    assert report.exit_code() == 1
    assert any(
        t.startswith(f"{ARTICLES}/2024/01/river-levels-fall.md:{link_line}: ")
        and "/gazette/no/such/page/" in t
        and "leads to no page" in t
        for t in found
    ), found
    assert any(
        t.startswith(f"{ARTICLES}/2024/03/authority-publishes-study.md:{anchor_line}: ")
        and "'nowhere'" in t
        for t in found
    ), found
    assert any(
        t.startswith(f"{ARTICLES}/2024/02/minister-visits-site.md:{error_line + 1}: ")
        and "unknown field 'colour'" in t
        and " — " in t
        for t in found
    ), found
    # Links to the article that did not load are not reported again as broken.
    assert len(found) == 3, found


def test_check_writes_nothing_and_the_next_build_has_nothing_to_do(tmp_path: Path) -> None:
    root = built_golden(tmp_path)
    site_before = site_tree(root / "site")
    record_before = site_tree(root / ".site.marginalia")
    append(root / ARTICLES / "2024/01/river-levels-fall.md", "\nA new [link](/gazette/gone/).\n")
    assert run_check(root).exit_code() == 1
    assert site_tree(root / "site") == site_before
    assert site_tree(root / ".site.marginalia") == record_before
    report = build(root, load_config(root))
    assert report.rendered > 0  # check did not pass the edit off as built
    again = build(root, load_config(root))
    assert again.rendered == 0


def test_a_project_never_built_is_checked_in_memory_and_gets_no_site(tmp_path: Path) -> None:
    root = golden_project(tmp_path / "project")
    report = run_check(root)
    assert report.errors == () and report.rendered > 0
    assert not (root / "site").exists()
    assert not (root / ".site.marginalia").exists()
    assert not (root / ".cache" / "marginalia.sqlite").exists()


def test_a_broken_link_from_a_template_names_the_page_file_line_and_template(
    tmp_path: Path,
) -> None:
    root = built_golden(tmp_path)
    template = root / "templates" / "search.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(
        text.replace("{% endblock %}", '<a href="/gazette/missing/">x</a>{% endblock %}', 1),
        encoding="utf-8",
    )
    found = texts(run_check(root))
    assert len(found) == 1, found
    where, _, rest = found[0].partition(": ")
    assert where.startswith("site/search/index.html:") and where.split(":")[1].isdigit()
    assert "'/gazette/missing/'" in rest and "templates/search.html" in rest


def test_a_template_error_is_reported_with_its_file_and_line(tmp_path: Path) -> None:
    root = built_golden(tmp_path)
    template = root / "templates" / "search.html"
    lines = template.read_text(encoding="utf-8").split("\n")
    lines.insert(2, "{{ page.no_such_field }}")
    template.write_text("\n".join(lines), encoding="utf-8")
    found = texts(run_check(root))
    assert any("search.html:3" in t and "no_such_field" in t for t in found), found


def test_strict_makes_the_builds_warnings_errors(tmp_path: Path) -> None:
    root = built_golden(tmp_path)
    registry = root / "content" / "actors.yaml"
    line = append(registry, "- id: nobody-at-all\n  name: Nobody At All\n  type: person\n")
    report = run_check(root)
    assert report.errors == ()
    warning = [p.text() for p in report.warnings if "nobody-at-all" in p.what]
    assert warning and warning[0].startswith(f"content/actors.yaml:{line}: ")
    assert report.exit_code() == 0
    assert report.exit_code(strict=True) == 1


def test_a_second_check_with_nothing_changed_reuses_the_result_and_sees_any_change(
    tmp_path: Path,
) -> None:
    root = built_golden(tmp_path)
    first = run_check(root)
    second = run_check(root)
    assert not first.reused and second.reused
    assert second.errors == first.errors == ()
    append(root / ARTICLES / "2024/01/river-levels-fall.md", "\n[x](/gazette/nowhere/)\n")
    third = run_check(root)
    assert not third.reused and len(third.errors) == 1
    # A page of site/ changed by hand is no longer taken as built: it is rendered again.
    page = root / "site" / "editions" / "index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<p>", encoding="utf-8")
    fourth = run_check(root)
    assert not fourth.reused and fourth.rendered >= 1


def test_links_resolve_under_the_base_path_with_folders_and_fragments() -> None:
    resolver = LinkResolver("https://example.github.io/gazette/")
    page = read_page_links(
        '<p id="top-note"><a href="/gazette/editions">e</a>\n'
        '<a href="../b/#x">b</a><a href="/elsewhere/">o</a>\n'
        '<a href="https://other.example/gazette/no/">ext</a><a href="mailto:a@b.c">m</a>\n'
        '<a href="#top-note">self</a><a href="#missing">gone</a><img src="/gazette/i.png">',
        "a/index.html",
        resolver,
    )
    target = read_page_links('<h2 id="x">', "b/index.html", resolver)
    pages = {"a/index.html": page, "b/index.html": target}
    outputs = {"a/index.html", "b/index.html", "editions/index.html"}
    broken = find_broken_links(pages, outputs, base_path="/gazette/")
    assert [(b.link.href, b.link.line) for b in broken] == [
        ("/elsewhere/", 2),
        ("#missing", 4),
        ("/gazette/i.png", 4),
    ]
    assert "base path /gazette/" in broken[0].what
