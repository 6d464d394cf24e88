from quoter.catalog import known_skus, unit_price


def test_known_and_unknown_skus() -> None:
    assert unit_price("A000") == 250
    assert unit_price("B010") == 1_299 + 70
    assert unit_price("E059") == 12_000 + 59 * 7
    assert unit_price("Z999") is None
    assert unit_price("") is None


def test_every_listed_sku_has_a_price() -> None:
    skus = known_skus()
    assert len(skus) == len(set(skus)) == 300
    assert all((unit_price(sku) or 0) > 0 for sku in skus)
