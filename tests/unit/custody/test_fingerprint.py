"""Fingerprinted copies: the Tardos code, embedding, each attack, collusion, no false
attribution. Small frames (512 × 512); the real-size figures are in benchmarks/."""

from __future__ import annotations

import numpy as np
import pytest

from openskies.custody.fingerprint import (
    ArraySource,
    Carrier,
    Delivery,
    FingerprintParams,
    RegistrationError,
    TardosCode,
    chernoff_threshold,
    code_of,
    embed_strips,
    fit_channel,
    image_scale,
    luminance,
    read_positions,
    register,
    trace,
)
from tests.unit.custody._imagery import attacks, psnr, terrain

SIZE = 512
DELIVERIES = [Delivery(f"d{i:02d}", f"S{i:02d}", bytes([i, 7]) * 16, i) for i in range(24)]


def fingerprint(image: np.ndarray, carrier: Carrier, delivery: Delivery) -> np.ndarray:
    bits = code_of(carrier).codeword(delivery.seed)
    return np.concatenate(list(embed_strips(ArraySource(image), carrier, bits)), axis=0)


@pytest.fixture(scope="module")
def frame() -> tuple[np.ndarray, Carrier, list[np.ndarray]]:
    image = terrain(SIZE, SIZE, seed=11)
    image.setflags(write=False)  # the original is only ever read
    carrier = Carrier(
        b"object-key", SIZE, SIZE, image_scale(ArraySource(image)), FingerprintParams()
    )
    copies = [fingerprint(image, carrier, d) for d in DELIVERIES[:2]]
    return image, carrier, copies


def test_tardos_weights_have_mean_zero_and_unit_variance() -> None:
    code = TardosCode.from_key(b"k", 4096, 1 / 600)
    assert code.biases.min() >= 1 / 600 - 1e-12 and code.biases.max() <= 1 - 1 / 600 + 1e-12
    weights = np.stack([code.weights(code.codeword(b"%d" % i)) for i in range(300)])
    assert abs(weights.mean()) < 0.02
    assert abs(weights.var() - 1) < 0.05


def test_the_code_is_rebuilt_from_its_key_years_later() -> None:
    """Raw PCG64 output is stable across numpy versions: the values are pinned."""
    code = TardosCode.from_key(b"k", 8, 1 / 600)
    assert code.biases.round(6).tolist() == [
        0.958449,
        0.989024,
        0.780763,
        0.186325,
        0.162304,
        0.924297,
        0.871759,
        0.776559,
    ]
    assert code.codeword(b"seed").astype(int).tolist() == [1, 1, 1, 0, 0, 1, 1, 1]


def test_chernoff_threshold_bounds_innocent_scores() -> None:
    code = TardosCode.from_key(b"k", 1024, 1 / 600)
    colluders = [code.codeword(b"a"), code.codeword(b"b")]
    reading = (colluders[0] * 2.0 - 1 + colluders[1] * 2.0 - 1) / 2
    reading += np.random.default_rng(0).normal(0, 0.5, reading.shape)
    epsilon = 1e-3
    threshold = chernoff_threshold(code, reading, epsilon)
    rng = np.random.default_rng(1)
    innocents = rng.random((20_000, code.length)) < code.biases
    p = code.biases
    scores = np.where(innocents, np.sqrt((1 - p) / p), -np.sqrt(p / (1 - p))) @ reading
    assert np.mean(scores >= threshold) <= epsilon
    assert threshold > 3.0 * np.sqrt(np.sum(reading**2))  # not vacuous: above 3 σ


def test_fingerprinted_copy_has_psnr_of_at_least_42_db(frame) -> None:
    image, _, copies = frame
    assert all(psnr(image, copy) >= 42.0 for copy in copies)
    assert not np.array_equal(copies[0], copies[1])  # unique to its delivery


def test_each_delivery_gets_its_own_copy_and_the_original_is_unchanged(frame) -> None:
    image, carrier, copies = frame
    assert np.array_equal(image, terrain(SIZE, SIZE, seed=11))
    again = fingerprint(image, carrier, DELIVERIES[0])
    assert np.array_equal(again, copies[0])  # deterministic from key and seed


@pytest.mark.parametrize("attack", ["none", "jpeg75", "crop70", "scale50", "rotate3", "combined"])
def test_an_attacked_copy_is_traced_to_its_recipient(frame, attack: str) -> None:
    image, carrier, copies = frame
    suspect = luminance(attacks(3)[attack](copies[0]))
    result = trace(ArraySource(image), carrier, DELIVERIES, suspect)
    assert [t.delivery.recipient for t in result.named] == ["S00"], result.as_json()
    doc = result.as_json()
    assert doc["recipient"] == "S00" and doc["ledger_index"] == 0
    assert doc["score"] >= doc["threshold"]


@pytest.mark.parametrize("attack", ["none", "combined"])
def test_two_colluders_who_average_their_copies_are_both_named(frame, attack: str) -> None:
    image, carrier, copies = frame
    average = np.rint((copies[0].astype(np.float32) + copies[1]) / 2).astype(np.uint8)
    suspect = luminance(attacks(4)[attack](average))
    result = trace(ArraySource(image), carrier, DELIVERIES, suspect)
    assert sorted(t.delivery.recipient for t in result.named) == ["S00", "S01"]


def test_the_original_itself_names_no_one(frame) -> None:
    image, carrier, _ = frame
    result = trace(ArraySource(image), carrier, DELIVERIES, luminance(image))
    assert not result.decided and result.as_json()["recipient"] is None


def test_non_recipients_are_never_named_and_score_as_the_null(frame) -> None:
    """2,000 deliveries that did not leak, scored against one leaked copy: none passes the
    threshold, and their scores have the null's mean 0 and standard deviation 1."""
    image, carrier, copies = frame
    source = ArraySource(image)
    suspect = luminance(attacks(5)["combined"](copies[0]))
    matrix = register(source, suspect).matrix
    reading = read_positions(source, carrier, suspect, matrix, fit_channel(source, suspect, matrix))
    code = code_of(carrier)
    norm = float(np.sqrt(np.sum(reading**2)))
    innocents = np.array([code.score(reading, code.codeword(b"x%d" % i)) for i in range(2000)])
    threshold = chernoff_threshold(code, reading, carrier.params.epsilon / 2001)
    assert innocents.max() < threshold
    assert abs(innocents.mean() / norm) < 0.1 and abs(innocents.std() / norm - 1) < 0.1
    assert code.score(reading, code.codeword(DELIVERIES[0].seed)) >= threshold


def test_another_objects_code_names_no_one(frame) -> None:
    image, _, copies = frame
    other = Carrier(b"another-key", SIZE, SIZE, 1.0, FingerprintParams())
    result = trace(ArraySource(image), other, DELIVERIES, luminance(copies[0]))
    assert not result.decided


def test_an_unrelated_image_cannot_be_registered(frame) -> None:
    image, _, _ = frame
    with pytest.raises(RegistrationError):
        register(ArraySource(image), np.zeros((300, 300), dtype=np.float32))


def test_16_bit_and_colour_frames_are_fingerprinted() -> None:
    grey = terrain(256, 320, seed=3)
    deep = grey.astype(np.uint16) * 16 + 300
    colour = terrain(256, 320, seed=4, colour=True)
    for image, peak in ((deep, float(np.ptp(deep))), (colour, 255.0)):
        carrier = Carrier(b"k", 256, 320, image_scale(ArraySource(image)), FingerprintParams())
        copy = fingerprint(image, carrier, DELIVERIES[0])
        assert copy.dtype == image.dtype and copy.shape == image.shape
        assert psnr(image, copy, peak) >= 42.0
        result = trace(ArraySource(image), carrier, DELIVERIES[:4], luminance(copy))
        assert [t.delivery.recipient for t in result.named] == ["S00"]


def test_many_to_one_feature_matches_do_not_give_a_degenerate_placement() -> None:
    """A frame of the benchmark where RANSAC had fitted a map of zero scale to ~100 matches
    landing on one suspect point: matches are now one-to-one and such maps are refused."""
    image = terrain(SIZE, SIZE, seed=1154)
    carrier = Carrier(b"key-154", SIZE, SIZE, 1.0, FingerprintParams())
    leaker = Delivery("d154", "R00", b"154-0", 0)  # the benchmark's recipient and seed
    leaked = attacks(154)["combined"](fingerprint(image, carrier, leaker))
    registration = register(ArraySource(image), luminance(leaked))
    assert 0.45 < np.sqrt(abs(np.linalg.det(registration.matrix[:, :2]))) < 0.55
    result = trace(ArraySource(image), carrier, [leaker, *DELIVERIES], luminance(leaked))
    assert [t.delivery.recipient for t in result.named] == ["R00"]
