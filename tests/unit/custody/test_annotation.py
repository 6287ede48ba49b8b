"""Annex B annotation: formats of Appendix 1, each error naming the field and the paragraph."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from openskies.custody import (
    Annotation,
    AnnotationRecord,
    FlightReference,
    GroundSpeed,
    Hagl,
    MediumCode,
    Position,
    RecordingMedium,
    SensorCategoryCode,
    SensorConfiguration,
    SensorDescription,
    parse_annotation,
)
from openskies.errors import InputError


def document(**changes: Any) -> dict[str, Any]:
    """A valid annotation of a panoramic camera's film, with ``changes`` applied."""
    doc: dict[str, Any] = {
        "flight_reference": "OS9042",
        "flight_date": "2019-06-05",
        "sensor": "OPBP",
        "configuration": "INT1V",
        "focal_length_mm": 152,
        "records": [
            {
                "time": "2019-06-05T10:31Z",
                "hagl": "01500M",
                "position": "52.37N 004.89E",
                "true_heading_deg": 87,
                "roll": "2L",
                "pitch": "1U",
                "drift": "3R",
                "groundspeed": "420KM",
                "magazine": 1,
                "frame": 1,
            },
            {"time": "2019-06-05T10:32:00+00:00", "roll": "0R", "magazine": 1, "frame": 2},
        ],
    }
    doc.update(changes)
    return doc


def test_ann_b_app1_parses_a_complete_document_and_round_trips() -> None:
    annotation = parse_annotation(document())
    assert annotation.flight_reference == FlightReference(9, 42)
    assert annotation.sensor == SensorDescription(SensorCategoryCode.OP, MediumCode.BP)
    assert annotation.sensor.medium is RecordingMedium.FILM
    first = annotation.records[0]
    assert first.time == datetime(2019, 6, 5, 10, 31, tzinfo=UTC)
    assert first.hagl == Hagl(1500, "M")
    assert first.position is not None
    assert (first.position.lat_deg, first.position.lon_deg) == (52.37, 4.89)
    assert parse_annotation(annotation.as_json()) == annotation


def test_ann_b_app1_1_flight_reference_is_os_year_digit_and_three_digits() -> None:
    # "OS" + last digit of the quota year (2019 -> 9) + flight number 042.
    assert str(FlightReference.for_flight(2019, 42)) == "OS9042"
    assert FlightReference.parse("OS0001").matches_year(2020)
    for bad in ("OS942", "OS90420", "os9042", "XS9042", "OSA042"):
        with pytest.raises(InputError, match=r"flight_reference: .*Ann\. B App\.1 ¶1"):
            FlightReference.parse(bad)


def test_ann_b_app1_1b_reference_year_digit_must_match_the_flight_date() -> None:
    with pytest.raises(
        InputError, match=r"flight_reference: .*2020-06-05 \(Ann\. B App\.1 ¶1\(B\)\)"
    ):
        parse_annotation(document(flight_date="2020-06-05"))


@pytest.mark.parametrize(
    ("text", "category", "medium"),
    [
        ("OPBP", "OP", "BP"),
        ("OFBI", "OF", "BI"),
        ("TVTD", "TV", "TD"),
        ("IRLSBR", "IRLS", "BR"),
        ("IRLSTA", "IRLS", "TA"),
        ("SARTD", "SAR", "TD"),
    ],
)
def test_ann_b_app1_2_sensor_description_is_category_then_medium(
    text: str, category: str, medium: str
) -> None:
    sensor = SensorDescription.parse(text)
    assert (sensor.category.value, sensor.medium_code.value) == (category, medium)
    assert str(sensor) == text
    assert len(text) <= 6


def test_ann_b_app1_2_unknown_codes_are_refused() -> None:
    for bad in ("XXBP", "OP", "OPXX", "SARTDX", ""):
        with pytest.raises(InputError, match=r"sensor: .*Ann\. B App\.1 ¶2"):
            SensorDescription.parse(bad)


def test_art_ix_1_1_medium_must_fit_the_sensor_category() -> None:
    # Art. IX §I ¶1: cameras on film, video and SAR on magnetic tape.
    for bad in ("OPTD", "OFTA", "TVBP", "SARBP"):
        with pytest.raises(InputError, match=r"Art\. IX §I ¶1"):
            SensorDescription.parse(bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("INT1V", SensorConfiguration("INT1", "V")),
        ("PODLR30", SensorConfiguration("PODL", "R", depression_angle_deg=30)),
        ("PODCL5", SensorConfiguration("PODC", "L", depression_angle_deg=5)),
        ("INT2F32", SensorConfiguration("INT2", "F", fan_count=3, fan_position=2)),
    ],
)
def test_ann_b_app1_3_sensor_configuration(text: str, expected: SensorConfiguration) -> None:
    assert SensorConfiguration.parse(text) == expected
    assert str(expected) == text
    assert len(text) <= 9


@pytest.mark.parametrize("bad", ["INT0V", "PODXV", "INT1", "INT1X", "INT1F", "INT1F13", "INT1F1"])
def test_ann_b_app1_3_bad_configurations_are_refused(bad: str) -> None:
    with pytest.raises(InputError, match=r"configuration: .*Ann\. B App\.1 ¶3"):
        SensorConfiguration.parse(bad)


def test_ann_b_app1_3b2_oblique_means_tilted_more_than_five_degrees() -> None:
    # A depression angle of 85 degrees or more is within 5 degrees of the vertical: "V".
    with pytest.raises(InputError, match=r"¶3\(B\)\(2\)"):
        SensorConfiguration.parse("INT1L88")


def test_ann_b_app1_5_time_is_utc_to_the_minute() -> None:
    with pytest.raises(InputError, match=r"records\[0\]\.time: .*no UTC offset.*¶5"):
        parse_annotation(document(records=[{"time": "2019-06-05T10:31"}]))
    with pytest.raises(InputError, match=r"records\[0\]\.time: .*not in UTC.*¶5"):
        parse_annotation(document(records=[{"time": "2019-06-05T12:31+02:00"}]))
    with pytest.raises(InputError, match=r"records\[0\]\.time: .*nearest minute.*¶5"):
        parse_annotation(document(records=[{"time": "2019-06-05T10:31:30Z"}]))


def test_ann_b_app1_6_hagl_is_five_digits_then_f_or_m() -> None:
    assert Hagl.parse("04921F").hagl_m == pytest.approx(1499.92, abs=0.01)  # 4921 ft x 0.3048
    for bad in ("1500M", "001500M", "01500K", "01500"):
        with pytest.raises(InputError, match=r"hagl: .*Ann\. B App\.1 ¶6"):
            Hagl.parse(bad)


def test_ann_b_app1_7_position_in_either_format() -> None:
    decimal = Position.parse("52.37N 004.89E")
    assert (decimal.lat_deg, decimal.lon_deg) == (52.37, 4.89)
    minutes = Position.parse("52 22S 004 53W")
    # 52 deg 22 min S = -52.3667; 4 deg 53 min W = -4.8833
    assert minutes.lat_deg == pytest.approx(-52.366667)
    assert minutes.lon_deg == pytest.approx(-4.883333)
    for bad in ("52.37N 4.89E", "52.3N 004.89E", "52 61N 004 53E", "95.00N 004.00E", "52.37N"):
        with pytest.raises(InputError, match=r"position: .*Ann\. B App\.1 ¶7"):
            Position.parse(bad)


def test_ann_b_app1_8_to_11_heading_and_signed_angles() -> None:
    with pytest.raises(InputError, match=r"records\[0\]\.true_heading_deg: .*¶8"):
        parse_annotation(document(records=[{"time": "2019-06-05T10:31Z", "true_heading_deg": 360}]))
    with pytest.raises(InputError, match=r"records\[0\]\.roll: .*L or R.*¶9"):
        parse_annotation(document(records=[{"time": "2019-06-05T10:31Z", "roll": "2U"}]))
    with pytest.raises(InputError, match=r"records\[0\]\.pitch: .*U or D.*¶10"):
        parse_annotation(document(records=[{"time": "2019-06-05T10:31Z", "pitch": "2L"}]))
    with pytest.raises(InputError, match=r"records\[0\]\.drift: .*¶11"):
        parse_annotation(document(records=[{"time": "2019-06-05T10:31Z", "drift": "3"}]))


def test_ann_b_app1_12_groundspeed_is_three_digits_then_nm_or_km() -> None:
    assert GroundSpeed.parse("250NM").groundspeed_kmh == pytest.approx(463.0)  # 250 x 1.852
    for bad in ("42KM", "4200KM", "420MPH"):
        with pytest.raises(InputError, match=r"groundspeed: .*Ann\. B App\.1 ¶12"):
            GroundSpeed.parse(bad)


def test_ann_b_app1_13_to_15_sar_items_only_for_sar() -> None:
    sar = document(
        sensor="SARTD",
        configuration="PODCR20",
        focal_length_mm=None,
        records=[
            {
                "time": "2019-06-05T10:31Z",
                "nearest_swath_point_km": 4.5,
                "look_down_angle_deg": 70,
                "swath_width_km": 20,
            }
        ],
    )
    assert parse_annotation(sar).records[0].swath_width_km == 20
    camera = document(records=[{"time": "2019-06-05T10:31Z", "swath_width_km": 20}])
    with pytest.raises(InputError, match=r"records\[0\]: .*SAR only"):
        parse_annotation(camera)
    with pytest.raises(InputError, match=r"look_down_angle_deg: .*¶14"):
        AnnotationRecord(datetime(2019, 6, 5, 10, 31, tzinfo=UTC), look_down_angle_deg=95)


def test_ann_b_app1_16_magazines_from_one_frames_unique() -> None:
    frame = {"time": "2019-06-05T10:31Z", "magazine": 1, "frame": 7}
    with pytest.raises(InputError, match=r"records\[1\]\.frame: .*twice.*¶16"):
        parse_annotation(document(records=[frame, frame]))
    with pytest.raises(InputError, match=r"records: magazines \[2\] .*¶16"):
        parse_annotation(document(records=[{**frame, "magazine": 2}]))
    with pytest.raises(InputError, match=r"magazine: .*both.*¶16"):
        parse_annotation(document(records=[{"time": "2019-06-05T10:31Z", "frame": 3}]))
    tape = document(sensor="TVTD", records=[frame])
    with pytest.raises(InputError, match=r"records\[0\]\.magazine: .*photographic film.*¶16"):
        parse_annotation(tape)


def test_parser_names_unknown_and_missing_keys() -> None:
    with pytest.raises(InputError, match="annotation: unknown key"):
        parse_annotation(document(colour="red"))
    doc = document()
    del doc["sensor"]
    with pytest.raises(InputError, match=r"annotation: missing key.*sensor"):
        parse_annotation(doc)
    with pytest.raises(InputError, match=r"records\[0\]: unknown key.*hagl_ft"):
        parse_annotation(document(records=[{"time": "2019-06-05T10:31Z", "hagl_ft": 5}]))
    with pytest.raises(InputError, match=r"records\[0\]\.magazine: .*whole number"):
        parse_annotation(
            document(records=[{"time": "2019-06-05T10:31Z", "magazine": "1", "frame": 1}])
        )
    with pytest.raises(InputError, match=r"flight_date: .*not a date"):
        parse_annotation(document(flight_date="5 June 2019"))


def test_annotation_is_immutable() -> None:
    annotation = Annotation(
        FlightReference(9, 1),
        date(2019, 1, 2),
        SensorDescription.parse("OPBP"),
        SensorConfiguration.parse("INT1V"),
    )
    with pytest.raises(AttributeError):
        annotation.focal_length_mm = 10  # type: ignore[misc]


def test_a_framing_camera_footprint_is_height_times_frame_over_focal_length() -> None:
    from openskies.custody.footprints import FRAME_SIDE_M, frame_footprints

    doc = {
        "flight_reference": "OS9042",
        "flight_date": "2019-06-05",
        "sensor": "OPBP",
        "configuration": "INT1V",
        "focal_length_mm": 152,
        "records": [
            {"time": "2019-06-05T10:31Z", "hagl": "06500M", "position": "52.00N 020.00E"},
            {"time": "2019-06-05T10:32Z"},
        ],
    }
    (feature,) = frame_footprints(parse_annotation(doc))
    assert feature["properties"]["side_m"] == round(6500 * FRAME_SIDE_M / 0.152)
    ring = feature["geometry"]["coordinates"][0]
    lats = [p[1] for p in ring]
    # the square's north-south side, back in metres (111,320 m per degree of latitude)
    assert abs((max(lats) - min(lats)) * 111_320 - 6500 * FRAME_SIDE_M / 0.152) < 1
    assert ring[0] == ring[-1]
