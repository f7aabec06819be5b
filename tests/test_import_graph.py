"""No import circles between the modules of ``livedetect_gui``.

import-linter (scripts/test.sh) checks the layers' directions but has no global "no cycles"
contract, so this walks the module import graph grimp builds (import-linter's own graph
library) and lists every circle it finds, one shortest loop per tangle.
"""

from __future__ import annotations

from collections import deque

import grimp

PACKAGE = "livedetect_gui"


def _imports() -> dict[str, set[str]]:
    # cache_dir=None: nothing written into the worktree by a test run.
    graph = grimp.build_graph(PACKAGE, cache_dir=None)
    return {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}


def tangles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges.get(node, ()):
                    found.append(sorted(component))
    return found


def shortest_loop(edges: dict[str, set[str]], members: list[str]) -> list[str]:
    """One shortest circle through the first module of a tangle, for the failure message."""
    inside = set(members)
    start = members[0]
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in sorted(edges.get(node, ()) & inside):
            if child == start:
                loop = [node]
                while loop[-1] != start:
                    loop.append(came_from[loop[-1]])
                return [*reversed(loop), start]
            if child not in came_from:
                came_from[child] = node
                queue.append(child)
    return members


def test_tangles_finds_a_circle_and_ignores_a_chain() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert tangles(edges) == [["a", "b", "c"]]
    assert shortest_loop(edges, ["a", "b", "c"]) == ["a", "b", "c", "a"]
    assert tangles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_import_circles_between_modules() -> None:
    edges = _imports()
    assert len(edges) > 50, "grimp found too few modules: is the package importable?"
    loops = [" -> ".join(shortest_loop(edges, members)) for members in tangles(edges)]
    assert not loops, "import circles:\n" + "\n".join(loops)
