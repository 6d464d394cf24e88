"""A quoting agent: prices baskets in a few currencies with volume and loyalty discounts."""

__version__ = "1.0.0"
