"""The rule proposer's codemods, one per module, listed in `registry.py`."""
