import pytest

from triage.safety import REDACTED, check_reply, find_secrets, guard, redact


@pytest.mark.parametrize(
    "secret",
    [
        "jane.doe+support@example.co.uk",
        "+44 20 7946 0958",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "sk_live_51HxYzAbCdEf",
        "AKIAIOSFODNN7EXAMPLE",
        "password: hunter2",
    ],
)
def test_redact_masks_secrets(secret: str) -> None:
    cleaned = redact(f"Details: {secret} thanks")
    assert secret not in cleaned
    assert REDACTED in cleaned
    assert find_secrets(cleaned) == []


def test_redact_leaves_ordinary_text_alone() -> None:
    text = "Your reference is TCK-10023, opened Mon 09:30 for order 123456."
    assert redact(text) == text


def test_check_reply_blocks_secrets_and_forbidden_phrases() -> None:
    assert not check_reply("Please send us your password so we can log in").allowed
    assert not check_reply("Your card 4111 1111 1111 1111 was charged").allowed
    assert not check_reply("   ").allowed
    verdict = check_reply("Hi Sam, we have reset your session. Kind regards")
    assert verdict.allowed and verdict.reason is None


def test_guard_redacts_before_checking() -> None:
    cleaned, verdict = guard("Hi, we emailed bob@example.com about it.")
    assert "bob@example.com" not in cleaned
    assert verdict.allowed
