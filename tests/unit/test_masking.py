from __future__ import annotations

from skillcoach.tracing.masking import mask, mask_text


def test_emails_phones_and_keys_are_removed() -> None:
    text = ("Mail me at ada.l@example.co.uk or call +44 20 7946 0958; my key is sk-proj-abcDEF1234567890xyzXYZ "
            "and pk-lf-1234abcd-5678-efgh-ijkl-1234567890ab, AWS AKIAIOSFODNN7EXAMPLE.")
    masked = mask_text(text)
    for secret in ("ada.l@example.co.uk", "7946", "sk-proj", "pk-lf-1234", "AKIAIOSFODNN7EXAMPLE"):
        assert secret not in masked
    assert masked.count("[email]") == 1 and masked.count("[phone]") == 1 and masked.count("[secret]") == 3


def test_ordinary_learning_text_is_kept() -> None:
    text = "GPT-5.2 scored 74.9% in 2025; RAG cuts hallucination from 15-82% (seed 000, 4. RAG); version 1.2.3"
    assert mask_text(text) == text


def test_nested_structures_are_walked() -> None:
    data = {"input": [{"answer": "write to bob@corp.com"}], "n": 3, "t": ("call 555-123-4567",)}
    assert mask(data) == {"input": [{"answer": "write to [email]"}], "n": 3, "t": ("call [phone]",)}


def test_ids_stay_readable() -> None:
    ids = "session 8386e63b546f42c982d6a0eea137b886 trace bfcf0b9cbe9d8208b2cddd9a01c31a9a"
    assert mask_text(ids) == ids


def test_dataclasses_are_walked() -> None:
    from langgraph.types import Command

    masked = mask(Command(resume={"ask": "mail ada@example.com"}))
    assert masked["resume"] == {"ask": "mail [email]"}


def test_dates_times_and_figures_are_not_phone_numbers() -> None:
    text = "2025-12-28, 2026-11-21T07:53:12.817263+00:00, 12.5 hours, 1,036 billion, 3-82%, 2023-2032"
    assert mask_text(text) == text
