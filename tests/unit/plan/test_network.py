"""The actor network: who is drawn, the same picture every build, on every machine."""

from __future__ import annotations

import datetime
import os
import random
import subprocess
import sys
import time

import pytest

from generator.content.actors import Actor, ActorType
from generator.content.types import Event
from generator.errors import ContentError
from generator.plan.contexts import NetworkPage
from generator.plan.model import Site, build_site
from generator.plan.network import (
    HEIGHT,
    LABEL_ROOM,
    WIDTH,
    Network,
    build_network,
    network_path,
    spring_layout,
)
from generator.plan.pages import plan_pages
from tests.support import REPO
from tests.support.sample_archive import article


def actor(actor_id: str) -> Actor:
    return Actor(id=actor_id, name=actor_id.replace("-", " ").title(), type=ActorType.PERSON)


def synthetic_site(actors: int, articles: int, *, seed: int = 7) -> Site:
    """An archive of the bench's shape: a few actors in many articles, most in few."""
    rng = random.Random(seed)
    registry = [actor(f"actor-{number:04d}") for number in range(actors)]
    weights = [1 / (rank + 1) for rank in range(actors)]
    start = datetime.date(2020, 1, 1)
    items = []
    for number in range(articles):
        named = tuple(dict.fromkeys(a.id for a in rng.choices(registry, weights, k=4)))
        items.append(
            article(
                f"a-{number}",
                f"Article {number}",
                start + datetime.timedelta(days=number % 1400),
                actors=named,
            )
        )
    return build_site(items, registry)


ADA, BEN, CAL, DEE, EVE = (actor(name) for name in ("ada", "ben", "cal", "dee", "eve"))
DAY = datetime.date(2024, 3, 1)
SMALL = (
    article("one", "One", DAY, actors=("ada", "ben", "cal")),
    article("two", "Two", DAY, actors=("ada", "ben")),
    article("three", "Three", DAY, actors=("ada", "ben", "dee")),
    article("four", "Four", DAY, actors=("ada", "cal")),
    article("five", "Five", DAY, actors=("eve",)),
)


def small_site() -> Site:
    return build_site(SMALL, (ADA, BEN, CAL, DEE, EVE))


def test_the_actors_in_most_articles_and_their_strongest_ties_are_drawn() -> None:
    network = build_network(small_site(), most_actors=3, most_ties=2)
    drawing = network.draw()
    assert [drawn.actor.id for drawn in network.actors] == ["ada", "ben", "cal"]
    assert sorted(node.actor.id for node in drawing.nodes) == ["ada", "ben", "cal"]
    assert [(t.first.id, t.second.id, t.articles) for t in network.ties] == [
        ("ada", "ben", 3),
        ("ada", "cal", 2),
    ]
    assert len(drawing.lines) == 2
    assert drawing.lines[-1].label == "Ada and Ben: 3 articles"  # the strongest drawn last
    # Counted over the whole archive, not only what is drawn.
    assert network.tie_count == 5  # ada-ben, ada-cal, ada-dee, ben-cal, ben-dee
    assert network.connected_count == 4  # eve is named alone


def test_nodes_are_sized_by_their_articles_and_lines_by_their_ties() -> None:
    drawing = build_network(small_site()).draw()
    radius = {node.actor.id: node.radius for node in drawing.nodes}
    assert radius["ada"] > radius["ben"] > radius["dee"]
    widths = {line.label: line.width for line in drawing.lines}
    assert widths["Ada and Ben: 3 articles"] > widths["Ada and Dee: 1 article"]


def test_every_node_is_inside_the_picture_with_room_for_its_label() -> None:
    drawing = build_network(synthetic_site(300, 1000)).draw()
    assert len(drawing.nodes) == 40 and len(drawing.lines) == 100
    for node in drawing.nodes:
        assert node.x - node.radius >= LABEL_ROOM and node.x + node.radius <= LABEL_ROOM + WIDTH
        assert node.y - node.radius >= 0 and node.y + node.radius <= HEIGHT
        assert round(node.x, 1) == node.x and round(node.y, 1) == node.y
    assert len({(node.x, node.y) for node in drawing.nodes}) == len(drawing.nodes)


def test_an_empty_archive_has_an_empty_network() -> None:
    network = build_network(build_site((), (ADA,)))
    assert network.actors == network.ties == ()
    assert network.draw().nodes == network.draw().lines == ()


def test_the_layout_does_not_depend_on_the_order_articles_are_read_in() -> None:
    site = small_site()
    again = build_site(tuple(reversed(SMALL)), (EVE, DEE, CAL, BEN, ADA))
    assert build_network(again) == build_network(site)
    assert build_network(again).draw() == build_network(site).draw()


def test_spring_layout_pulls_tied_actors_together() -> None:
    ids = ["a", "b", "c", "d"]
    positions = spring_layout(ids, [("a", "b", 5), ("c", "d", 5)])

    def apart(one: str, other: str) -> float:
        (x1, y1), (x2, y2) = positions[one], positions[other]
        return ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5

    assert apart("a", "b") < apart("a", "c") and apart("c", "d") < apart("b", "d")


PRINT_NETWORK = """
from tests.unit.plan.test_network import synthetic_site
from generator.plan.network import build_network
print(repr(build_network(synthetic_site(400, 2000)).draw()))
"""


def test_the_same_network_under_any_hash_seed() -> None:
    outputs = set()
    for hash_seed in ("0", "1", "12345"):
        result = subprocess.run(
            [sys.executable, "-c", PRINT_NETWORK],
            cwd=REPO,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1
    assert "Node(" in outputs.pop()


def test_an_actor_with_the_id_network_is_refused_with_a_fix() -> None:
    site = build_site(SMALL, (ADA, BEN, CAL, DEE, EVE, actor("network")))
    with pytest.raises(ContentError) as caught:
        plan_pages(site, body_keys={a.path: "" for a in SMALL}, page_size=10, home_editions=3)
    message = caught.value.message()
    assert "'network'" in message and "another id" in message


def test_the_network_page_is_planned_under_actors() -> None:
    pages = plan_pages(
        small_site(), body_keys={a.path: "" for a in SMALL}, page_size=10, home_editions=3
    )
    (page,) = [page for page in pages if page.path == network_path()]
    assert page.path == "actors/network/"
    assert page.template == "network.html"
    assert isinstance(page.context, NetworkPage)
    assert isinstance(page.context.network, Network)


def test_an_event_ties_its_actors_on_the_network() -> None:
    # Events and quotes name actors too, as on the actor pages.
    with_event = article(
        "six",
        "Six",
        DAY,
        actors=("eve",),
        events=(Event(subject="eve", object="dee", action="meets"),),
    )
    network = build_network(build_site((*SMALL, with_event), (ADA, BEN, CAL, DEE, EVE)))
    assert ("dee", "eve", 1) in [(t.first.id, t.second.id, t.articles) for t in network.ties]


def test_layout_at_bench_scale_is_cheap() -> None:
    site = synthetic_site(2805, 10_000)
    started = time.perf_counter()
    drawing = build_network(site).draw()
    seconds = time.perf_counter() - started
    assert len(drawing.nodes) == 40
    # About 0.1 s alone on one core; generous, as the machine is shared.
    assert seconds < 2.0, f"the network of 2,805 actors took {seconds:.2f} s"
