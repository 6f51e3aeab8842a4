"""Who appears with whom: the archive's actor network, laid out at build time. Pure.

Two actors are tied by every article that names them both (listed, quoted or in an
event, as on the actor pages). A thousand actors and their ties make a hairball, so the
picture shows the actors in the most articles and the strongest ties among them; each
actor page lists that actor's strongest ties ("Appears with", the first
pages.CO_ACTORS_SHOWN).

The layout is networkx's spring_layout (Fruchterman-Reingold) from a fixed seed, over
nodes and ties in a fixed order, with positions rounded: the same archive gives the same
picture, byte for byte, under any PYTHONHASHSEED. networkx (and numpy under it) is
imported only when the picture is drawn, so a build that does not write the page, and
every import of the plan, pays nothing for it.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from generator import urls
from generator.content.actors import NETWORK_ID, Actor, reserved_id_problem
from generator.errors import ContentError
from generator.plan.model import Site

NETWORK_SLUG = NETWORK_ID
MOST_ACTORS = 40  # the actors drawn: those in the most articles
MOST_TIES = 100  # the ties drawn: the strongest among them
WIDTH = 800
HEIGHT = 560
MARGIN = 24  # room for the largest node and the start of a label
LABEL_ROOM = 120  # room beside the picture's sides for labels
SEED = 15
ITERATIONS = 80
MIN_RADIUS = 4.0
MAX_RADIUS = 14.0


def network_path() -> str:
    return f"{urls.actors_path()}{NETWORK_SLUG}/"


@dataclass(frozen=True, slots=True)
class Node:
    actor: Actor
    articles: int  # the articles it appears in
    x: float
    y: float
    radius: float
    label_x: float
    anchor: str  # text-anchor of its label: "start" on the left half, "end" on the right


@dataclass(frozen=True, slots=True)
class Tie:
    first: Actor
    second: Actor
    articles: int  # the articles that name both


@dataclass(frozen=True, slots=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    label: str  # "Kim Jong Un and Russia: 3 articles"


@dataclass(frozen=True, slots=True)
class Drawing:
    width: int
    height: int
    nodes: tuple[Node, ...]  # largest first, drawn in this order
    lines: tuple[Line, ...]  # weakest first, drawn in this order


@dataclass(frozen=True, slots=True)
class DrawnActor:
    actor: Actor
    articles: int  # the articles it appears in


@dataclass(frozen=True, slots=True)
class Network:
    """Who is drawn, chosen when the site is planned. The picture is laid out only when
    the page is written (draw): it follows from these fields alone, which is what the
    page's fingerprint digests, so a build that does not write the page never pays for
    the layout."""

    actors: tuple[DrawnActor, ...]  # by id
    ties: tuple[Tie, ...]  # the ties drawn, strongest first: the picture as a table
    connected_count: int  # actors with at least one tie, in the archive
    tie_count: int  # pairs of actors named together, in the archive

    @property
    def description(self) -> str:
        return (
            f"The {len(self.actors)} actors in the most articles, each a dot sized by its "
            f"articles, and the {len(self.ties)} strongest ties among them, each a line as "
            "thick as the number of articles that name both. The table after the picture "
            "lists the same ties."
        )

    def draw(self) -> Drawing:
        ids = [drawn.actor.id for drawn in self.actors]
        positions = spring_layout(
            ids, [(tie.first.id, tie.second.id, tie.articles) for tie in self.ties]
        )
        nodes = _nodes(self.actors, positions)
        return Drawing(
            width=WIDTH + 2 * LABEL_ROOM,
            height=HEIGHT,
            nodes=nodes,
            lines=_lines(self.ties, {node.actor.id: node for node in nodes}),
        )


def check_network_path(actors: Mapping[str, Actor]) -> None:
    """The network page's address is that of an actor with the id "network". The
    registry refuses that id on its line; this guards a site whose actors were made
    some other way."""
    problem = reserved_id_problem(NETWORK_SLUG) if NETWORK_SLUG in actors else None
    if problem is not None:
        what, fix = problem
        raise ContentError(what, fix=fix)


def build_network(
    site: Site, *, most_actors: int = MOST_ACTORS, most_ties: int = MOST_TIES
) -> Network:
    counts = {actor_id: len(articles) for actor_id, articles in site.articles_by_actor.items()}
    # Ties broken by id: the same archive always picks the same actors.
    chosen = sorted(
        heapq.nsmallest(
            most_actors,
            ((-count, actor_id) for actor_id, count in counts.items() if count),
        ),
        key=lambda item: item[1],
    )
    ids = [actor_id for _, actor_id in chosen]
    drawn = set(ids)
    candidates = (
        (-count, actor_id, other)
        for actor_id in ids
        for other, count in site.co_actors[actor_id]
        if actor_id < other and other in drawn
    )
    ties = heapq.nsmallest(most_ties, candidates)
    return Network(
        actors=tuple(DrawnActor(site.actors[actor_id], counts[actor_id]) for actor_id in ids),
        ties=tuple(Tie(site.actors[a], site.actors[b], -c) for c, a, b in ties),
        connected_count=sum(1 for others in site.co_actors.values() if others),
        tie_count=sum(len(others) for others in site.co_actors.values()) // 2,
    )


def spring_layout(
    ids: Sequence[str],
    edges: Sequence[tuple[str, str, int]],
    *,
    seed: int = SEED,
    iterations: int = ITERATIONS,
) -> dict[str, tuple[float, float]]:
    """Positions in [0, 1] x [0, 1] from networkx's spring_layout. Weights are relative
    to the strongest tie, so that one busy pair does not fold the picture onto itself."""
    if not ids:
        return {}
    if len(ids) == 1:
        return {ids[0]: (0.5, 0.5)}
    import networkx  # the page is drawn once per build at most; imports stay light

    graph = networkx.Graph()
    graph.add_nodes_from(ids)
    strongest = max((weight for _, _, weight in edges), default=1)
    graph.add_weighted_edges_from((a, b, 0.2 + 0.8 * weight / strongest) for a, b, weight in edges)
    placed = networkx.spring_layout(graph, seed=seed, iterations=iterations, weight="weight")
    return _rescaled(ids, [float(placed[i][0]) for i in ids], [float(placed[i][1]) for i in ids])


def _rescaled(
    ids: Sequence[str], xs: list[float], ys: list[float]
) -> dict[str, tuple[float, float]]:
    """Stretched to fill [0, 1] on both axes."""
    left, bottom = min(xs), min(ys)
    across = (max(xs) - left) or 1.0
    up = (max(ys) - bottom) or 1.0
    return {
        actor_id: ((x - left) / across, (y - bottom) / up)
        for actor_id, x, y in zip(ids, xs, ys, strict=True)
    }


def _nodes(
    actors: Sequence[DrawnActor], positions: Mapping[str, tuple[float, float]]
) -> tuple[Node, ...]:
    busiest = max((drawn.articles for drawn in actors), default=1)
    nodes = []
    for drawn in actors:
        u, v = positions[drawn.actor.id]
        x = round(LABEL_ROOM + MARGIN + u * (WIDTH - 2 * MARGIN), 1)
        y = round(MARGIN + v * (HEIGHT - 2 * MARGIN), 1)
        # Area, not radius, grows with the articles: how eyes compare dots.
        radius = round(
            MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(drawn.articles / busiest), 1
        )
        left = u < 0.5
        nodes.append(
            Node(
                actor=drawn.actor,
                articles=drawn.articles,
                x=x,
                y=y,
                radius=radius,
                label_x=round(x + radius + 3 if left else x - radius - 3, 1),
                anchor="start" if left else "end",
            )
        )
    # Drawn from the largest down, so that a small dot is never hidden under a large one.
    return tuple(sorted(nodes, key=lambda node: (-node.radius, node.actor.id)))


def _lines(ties: Sequence[Tie], nodes: Mapping[str, Node]) -> tuple[Line, ...]:
    strongest = max((tie.articles for tie in ties), default=1)
    lines = []
    # Weakest first, so that the strong ties are drawn over the weak.
    for tie in reversed(ties):
        first, second = nodes[tie.first.id], nodes[tie.second.id]
        noun = "article" if tie.articles == 1 else "articles"
        lines.append(
            Line(
                x1=first.x,
                y1=first.y,
                x2=second.x,
                y2=second.y,
                width=round(0.5 + 3.5 * tie.articles / strongest, 1),
                label=f"{tie.first.name} and {tie.second.name}: {tie.articles} {noun}",
            )
        )
    return tuple(lines)
