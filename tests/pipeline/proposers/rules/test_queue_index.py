"""pop-front-to-index: a list drained with pop(0) → a moving head index."""

from __future__ import annotations

import pytest

from pipeline.proposers.rules.queue_index import QueueIndex
from tests.pipeline.proposers.rules.cases import Args, Case, check

RULE = QueueIndex()
GRAPHS: tuple[Args, ...] = (({}, "a"), ({"b": ["a"], "c": ["b", "a"], "d": ["x"]}, "a"), ({"a": ["a"], "b": ["a"]}, "a"))

CASES = [
    Case(
        "breadth-first",
        '''
        def downstream(deps: dict[str, list[str]], failed: str) -> list[str]:
            seen: list[str] = []
            frontier = [failed]
            while frontier:
                current = frontier.pop(0)  # oldest first
                for node, reqs in deps.items():
                    if current in reqs and node not in seen and node != failed:
                        seen.append(node)
                        frontier.append(node)
            return seen
        ''',
        '''
        def downstream(deps: dict[str, list[str]], failed: str) -> list[str]:
            seen: list[str] = []
            frontier = [failed]
            frontier_head = 0
            while frontier_head < len(frontier):
                current = frontier[frontier_head]  # oldest first
                frontier_head += 1
                for node, reqs in deps.items():
                    if current in reqs and node not in seen and node != failed:
                        seen.append(node)
                        frontier.append(node)
            return seen
        ''',
        inputs=GRAPHS,
    ),
    Case(
        "popped-value-unused",
        '''
        def rounds(n: int) -> int:
            queue: list[int] = [n]
            steps = 0
            while queue:
                queue.pop(0)
                steps += 1
                if steps < n:
                    queue.append(steps)
            return steps
        ''',
        '''
        def rounds(n: int) -> int:
            queue: list[int] = [n]
            steps = 0
            queue_head = 0
            while queue_head < len(queue):
                queue_head += 1
                steps += 1
                if steps < n:
                    queue.append(steps)
            return steps
        ''',
        inputs=((0,), (1,), (5,)),
    ),
    Case(
        "length-test-and-head-read-then-deleted",
        '''
        def levels(children: dict[int, list[int]], root: int) -> list[int]:
            order: list[int] = []
            pending = [root]
            while len(pending) > 0:
                node = pending[0]
                del pending[0]
                order.append(node)
                pending.extend(children.get(node, []))
            return order
        ''',
        '''
        def levels(children: dict[int, list[int]], root: int) -> list[int]:
            order: list[int] = []
            pending = [root]
            pending_head = 0
            while pending_head < len(pending):
                node = pending[pending_head]
                pending_head += 1
                order.append(node)
                pending.extend(children.get(node, []))
            return order
        ''',
        inputs=(({}, 1), ({1: [2, 3], 2: [4], 3: []}, 1)),
    ),
    Case(
        "head-sliced-off-each-step",
        '''
        def drain(jobs: list[str]) -> str:
            todo = list(jobs)
            done = ""
            while len(todo):
                job = todo[0]
                todo = todo[1:]
                done += job
                if job == "split":
                    todo.append("a")
            return done
        ''',
        '''
        def drain(jobs: list[str]) -> str:
            todo = list(jobs)
            done = ""
            todo_head = 0
            while todo_head < len(todo):
                job = todo[todo_head]
                todo_head += 1
                done += job
                if job == "split":
                    todo.append("a")
            return done
        ''',
        inputs=(([],), (["x", "split", "y"],)),
    ),
    Case(
        "queue-read-after",
        '''
        def leftover(items: list[int]) -> list[int]:
            queue = list(items)
            while queue:
                if queue.pop(0) > 2:
                    break
            return queue
        ''',
    ),
    Case(
        "stack-not-queue",
        '''
        def depth(n: int) -> int:
            stack = [n]
            count = 0
            while stack:
                top = stack.pop()
                count += 1
                if top > 0:
                    stack.append(top - 1)
            return count
        ''',
    ),
    Case(
        "caller-list",
        '''
        def drain(queue: list[int]) -> int:
            total = 0
            while queue:
                total += queue.pop(0)
            return total
        ''',
    ),
    Case(
        "returned-queue",
        '''
        def drained(n: int) -> list[int]:
            queue = [n]
            while queue:
                head = queue.pop(0)
                if head > 0:
                    queue.append(head - 1)
            return queue
        ''',
        diagnosed=True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_queue_index(case: Case) -> None:
    check(RULE, case)
