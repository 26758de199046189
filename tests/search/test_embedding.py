from __future__ import annotations

import numpy as np
import pytest

from commonplace.search.embedding import Encoder, get_encoder

# First 8 dimensions of the normalised embeddings produced by
# sentence-transformers (torch, CPU) for the same model files.
REFERENCE = {
    "A man is eating food.": [
        0.03324, 0.00441, -0.00628, 0.04838, -0.1387, -0.03362, 0.10113, -0.05438,
    ],
    "The choir practises every Thursday evening in the village hall.": [
        0.05844, -0.026, -0.05536, -0.05712, -0.05628, 0.0561, -0.12044, -0.05695,
    ],
    "": [
        -0.11884, 0.0483, -0.00255, -0.01101, 0.05195, 0.01029, 0.11543, 0.0007,
    ],
}  # fmt: skip

VARIED = [
    "The choir practises every Thursday evening in the village hall.",
    "a",
    "Café au lait, naïve façade — déjà vu! 日本語のテキスト",
    "",
    " ".join(["Long rehearsals need a plan for breaks and warm-ups."] * 12),
    "How do I tune a violin string?",
]


@pytest.fixture(scope="module")
def minilm() -> Encoder:
    return get_encoder("minilm")


def test_matches_sentence_transformers_reference(minilm: Encoder) -> None:
    vectors = minilm.encode(list(REFERENCE))
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    for row, expected in zip(vectors, REFERENCE.values(), strict=True):
        np.testing.assert_allclose(row[:8], expected, atol=1e-4)


def test_rows_are_unit_norm(minilm: Encoder) -> None:
    norms = np.linalg.norm(minilm.encode(VARIED), axis=1)
    np.testing.assert_allclose(norms, 1.0, atol=1e-5)


def test_batch_equals_one_by_one(minilm: Encoder) -> None:
    batched = minilm.encode(VARIED, batch_size=4)
    single = np.vstack([minilm.encode([text]) for text in VARIED])
    np.testing.assert_allclose(batched, single, atol=1e-5)


def test_order_is_preserved_despite_length_sorting(minilm: Encoder) -> None:
    forward = minilm.encode(VARIED, batch_size=2)
    backward = minilm.encode(VARIED[::-1], batch_size=2)
    np.testing.assert_allclose(forward, backward[::-1], atol=1e-5)


def test_empty_input(minilm: Encoder) -> None:
    assert minilm.encode([]).shape == (0, 384)


def test_empty_string(minilm: Encoder) -> None:
    (vector,) = minilm.encode([""])
    assert np.isfinite(vector).all()
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)


def test_long_text_is_truncated(minilm: Encoder) -> None:
    long = "word " * 2000
    a, b = minilm.encode([long, long + "entirely different ending"])
    # Only the first 256 tokens count, so the different ending is cut off.
    np.testing.assert_allclose(a, b, atol=1e-6)


def test_paraphrases_are_closer_than_unrelated(minilm: Encoder) -> None:
    q, para, other = minilm.encode(
        [
            "How do I tune a violin string that keeps slipping?",
            "My violin's peg won't hold its pitch; what should I do?",
            "Quarterly revenue grew by 12 percent in the third quarter.",
        ]
    )
    assert q @ para > q @ other + 0.3


def test_get_encoder_is_cached(minilm: Encoder) -> None:
    assert get_encoder() is minilm
    assert get_encoder("minilm") is minilm


def test_unknown_encoder() -> None:
    with pytest.raises(ValueError, match="unknown encoder"):
        get_encoder("nope")


def test_wordllama_rows_are_unit_norm() -> None:
    pytest.importorskip("wordllama")
    encoder = get_encoder("wordllama")
    vectors = encoder.encode(["The choir meets on Thursdays.", "Tuning a violin."])
    assert vectors.shape == (2, encoder.dim)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([]).shape == (0, encoder.dim)
