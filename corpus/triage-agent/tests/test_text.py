from triage.text import normalise, shingles, tokenize, top_terms, word_frequencies


def test_normalise_lowercases_and_collapses_whitespace() -> None:
    assert normalise("  Hello,   WORLD!\n\tAgain ") == "hello world again"


def test_normalise_keeps_email_like_tokens() -> None:
    assert normalise("Mail: Bob.Smith@Example.com") == "mail bob.smith@example.com"


def test_tokenize_drops_stopwords_and_edge_punctuation() -> None:
    assert tokenize("Hi, my invoice is WRONG... please fix it.") == ["invoice", "wrong", "fix"]


def test_tokenize_empty() -> None:
    assert tokenize("") == []
    assert tokenize("  !!  ") == []


def test_word_frequencies_counts_every_word() -> None:
    counts = word_frequencies(["a", "b", "a", "c", "a", "b"])
    assert counts == {"a": 3, "b": 2, "c": 1}
    assert list(counts) == ["a", "b", "c"]


def test_top_terms_most_frequent_first() -> None:
    words = ["refund", "invoice", "refund", "late", "refund", "invoice"]
    assert top_terms(words, 2) == ["refund", "invoice"]


def test_shingles_bigrams() -> None:
    assert shingles(["card", "was", "charged", "twice"], 2) == [
        "card was",
        "was charged",
        "charged twice",
    ]


def test_shingles_too_short() -> None:
    assert shingles(["one"], 2) == []
