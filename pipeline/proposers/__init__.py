"""Proposers: where candidate edits come from (rules, a vLLM-served model, a replay file)."""
