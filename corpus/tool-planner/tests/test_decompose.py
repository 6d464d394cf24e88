from planner.decompose import decompose, keyword_counts, split_goal, tokenize, unique_keywords


def test_tokenize_keeps_addresses_amounts_and_expressions() -> None:
    tokens = tokenize("Email Bob@Example.com about $12.50 and (3+4)*2.")
    assert tokens == ["email", "bob@example.com", "about", "$12.50", "and", "(3+4)*2"]


def test_unique_keywords_drops_stopwords_and_repeats() -> None:
    assert unique_keywords(["the", "calendar", "for", "calendar", "me", "today"]) == [
        "calendar",
        "today",
    ]


def test_keyword_counts() -> None:
    counts = keyword_counts(["a", "b", "a", "c"], ["a", "c", "z"])
    assert counts == {"a": 2, "c": 1, "z": 0}


def test_split_goal_stages() -> None:
    stages = split_goal("check the calendar, search docs then email dana; buy a pen")
    assert stages == [["check the calendar", "search docs"], ["email dana"], ["buy a pen"]]


def test_decompose_links_stages() -> None:
    clauses = decompose("find refunds, check calendar then email bob@example.com")
    assert [c.id for c in clauses] == ["s1", "s2", "s3"]
    assert clauses[0].depends_on == () and clauses[1].depends_on == ()
    assert clauses[2].depends_on == ("s1", "s2")
    assert clauses[2].keywords == ("email", "bob@example.com")
