"""loop-membership-to-set: `in` tests against an unchanging list inside a loop → a set built once."""

from __future__ import annotations

import pytest

from pipeline.proposers.rules.membership_set import MembershipSet
from tests.pipeline.proposers.rules.cases import Case, check

RULE = MembershipSet()

CASES = [
    Case(
        "comprehension-filter-on-a-parameter",
        '''
        def from_contacts(senders: list[str], contacts: list[str]) -> list[str]:
            return [s for s in senders if s in contacts]
        ''',
        '''
        def from_contacts(senders: list[str], contacts: list[str]) -> list[str]:
            contacts_set = set(contacts)
            return [s for s in senders if s in contacts_set]
        ''',
        inputs=(([], []), (["ann", "bob", "ann"], ["ann", "cy"]), (["x"], [])),
    ),
    Case(
        "tuple-unpacking-and-not-in-in-a-for-loop",
        '''
        def unknown_owners(pairs: list[tuple[str, int]], owners: tuple[str, ...]) -> int:
            missing = 0
            for owner, size in pairs:
                if owner not in owners and size > 0:
                    missing += size
            return missing
        ''',
        '''
        def unknown_owners(pairs: list[tuple[str, int]], owners: tuple[str, ...]) -> int:
            missing = 0
            owners_set = set(owners)
            for owner, size in pairs:
                if owner not in owners_set and size > 0:
                    missing += size
            return missing
        ''',
        inputs=(([], ()), ([("a", 2), ("b", 3), ("a", -1)], ("b",)), ([("z", 1)], ("z", "z"))),
    ),
    Case(
        "generator-in-any-and-a-local-list",
        '''
        def mentions_allowed(text: str) -> bool:
            allowed = ["deploy", "rollback", "status"]
            return any(word in allowed for word in text.lower().split())
        ''',
        '''
        def mentions_allowed(text: str) -> bool:
            allowed = ["deploy", "rollback", "status"]
            allowed_set = set(allowed)
            return any(word in allowed_set for word in text.lower().split())
        ''',
        inputs=(("",), ("please Deploy now",), ("nothing here",)),
    ),
    Case(
        "while-loop-with-enumerate-indexes",
        '''
        def first_banned(ids: list[int], banned: list[int]) -> int:
            i = 0
            while i < len(ids):
                if ids[i] in banned:
                    return i
                i += 1
            return -1
        ''',
        '''
        def first_banned(ids: list[int], banned: list[int]) -> int:
            i = 0
            banned_set = set(banned)
            while i < len(ids):
                if ids[i] in banned_set:
                    return i
                i += 1
            return -1
        ''',
        inputs=(([], []), ([3, 4, 5], [5, 4]), ([1], [2]), ([True, 1], [1])),
    ),
    Case(
        "set-built-per-outer-pass-where-the-list-is-rebound",
        '''
        def shared(groups: list[list[str]], names: list[str]) -> list[int]:
            counts = []
            for group in groups:
                members = group
                counts.append(sum(1 for n in names if n in members))
            return counts
        ''',
        '''
        def shared(groups: list[list[str]], names: list[str]) -> list[int]:
            counts = []
            for group in groups:
                members = group
                members_set = set(members)
                counts.append(sum(1 for n in names if n in members_set))
            return counts
        ''',
        inputs=(([], ["a"]), ([["a", "b"], [], ["c"]], ["a", "c", "a"]),),
    ),
    Case(
        "members-of-each-group-from-a-dict-loop",
        '''
        def present(users: list[str], groups: dict[str, list[str]]) -> dict[str, list[str]]:
            out = {}
            for name, members in groups.items():
                out[name] = [u for u in users if u in members]
            return out
        ''',
        '''
        def present(users: list[str], groups: dict[str, list[str]]) -> dict[str, list[str]]:
            out = {}
            for name, members in groups.items():
                members_set = set(members)
                out[name] = [u for u in users if u in members_set]
            return out
        ''',
        inputs=(([], {}), (["a", "b", "a"], {"g": ["a"], "h": [], "i": ["b", "c"]}),),
    ),
    Case(
        "literal-list-becomes-a-set-display",
        '''
        def commands(words: list[str]) -> list[str]:
            return [w for w in words if w.lower() in ["start", "stop", "pause", "resume"]]
        ''',
        '''
        def commands(words: list[str]) -> list[str]:
            return [w for w in words if w.lower() in {"start", "stop", "pause", "resume"}]
        ''',
        inputs=(([],), (["Start", "go", "PAUSE"],)),
    ),
    Case(
        "values-of-a-dict-in-a-loop",
        '''
        def unassigned(people: list[str], owners: dict[str, str]) -> list[str]:
            return [p for p in people if p not in owners.values()]
        ''',
        '''
        def unassigned(people: list[str], owners: dict[str, str]) -> list[str]:
            owners_values_set = set(owners.values())
            return [p for p in people if p not in owners_values_set]
        ''',
        inputs=(([], {}), (["ann", "bo", "cy"], {"t1": "bo", "t2": "bo"})),
    ),
    Case(
        "values-of-unknown-type",
        '''
        def unassigned(people: list[str], owners: dict[str, list[str]]) -> list[str]:
            return [p for p in people if p not in owners.values()]
        ''',
        diagnosed=True,
    ),
    Case(
        "list-changes-in-the-loop",
        '''
        def grow(items: list[str], known: list[str]) -> int:
            n = 0
            for item in items:
                if item in known:
                    n += 1
                known.append(item)
            return n
        ''',
    ),
    Case(
        "value-of-unknown-type",
        '''
        def from_contacts(msgs: list[Message], contacts: list[str]) -> list[Message]:
            return [m for m in msgs if m.sender in contacts]
        ''',
        prelude="class Message:\n    sender: str = ''",
        diagnosed=True,
    ),
    Case(
        "unhashable-elements",
        '''
        def known_rows(rows: list[list[int]], seen: list[list[int]]) -> int:
            return sum(1 for row in rows if row in seen)
        ''',
        diagnosed=True,
    ),
    Case(
        "substring-test",
        '''
        def hits(words: list[str], text: str) -> int:
            return sum(1 for w in words if w in text)
        ''',
    ),
    Case(
        "already-a-set",
        '''
        def hits(words: list[str], known: set[str]) -> int:
            return sum(1 for w in words if w in known)
        ''',
    ),
    Case(
        "not-in-a-loop",
        '''
        def allowed(word: str, names: list[str]) -> bool:
            return word in names
        ''',
    ),
    Case(
        "local-list-changed-before-the-loop",
        '''
        def hits(words: list[str]) -> int:
            known = ["a", "b"]
            known.append("c")
            return sum(1 for w in words if w in known)
        ''',
        diagnosed=True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_membership_set(case: Case) -> None:
    check(RULE, case)
