"""Annotation of sensor data (Annex B, Section II and Appendix 1), as checked, immutable values.

The State Party providing the observation aircraft annotates the data (Art. IV ¶5). The
leader of each roll of original film negative, or the start of each other recording medium,
carries the flight reference number, the date, the sensor description, the sensor
configuration and the focal length (Ann. B §II ¶1); the navigation and avionics values are
annotated per frame or at the start of the observation period and at significant changes
(Ann. B §II ¶2). Appendix 1 fixes their formats; every check here names the field and the
paragraph it comes from.

``parse_annotation`` reads the JSON document described in docs/custody.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from openskies.errors import InputError

__all__ = [
    "Annotation",
    "AnnotationRecord",
    "FlightReference",
    "GroundSpeed",
    "Hagl",
    "MediumCode",
    "Position",
    "RecordingMedium",
    "SensorCategoryCode",
    "SensorConfiguration",
    "SensorDescription",
    "SignedAngle",
    "media_for",
    "parse_annotation",
]


def _fail(field_name: str, message: str, citation: str) -> InputError:
    return InputError(f"{field_name}: {message} ({citation})")


class SensorCategoryCode(StrEnum):
    """Category of a sensor in the sensor description (Ann. B App.1 ¶2(A))."""

    OP = "OP"  # optical panoramic camera
    OF = "OF"  # optical framing camera (the source prints "optimal framing camera")
    TV = "TV"  # video camera
    IRLS = "IRLS"  # infra-red line-scanning device
    SAR = "SAR"  # sideways-looking synthetic aperture radar


class RecordingMedium(StrEnum):
    """Kind of recording medium, as Article IX distinguishes them."""

    FILM = "film"  # black and white photographic film (Art. IX §I ¶1, §II)
    MAGNETIC_TAPE = "magnetic_tape"  # magnetic tape (Art. IX §I ¶1, §III)
    DIGITAL = "digital"  # other recording media, format decided by the OSCC (Art. IX §I ¶1)


class MediumCode(StrEnum):
    """Type of the recording medium in the sensor description (Ann. B App.1 ¶2(B))."""

    BI = "BI"  # black and white, iso-panchromatic
    BM = "BM"  # black and white, monochromatic
    BP = "BP"  # black and white, panchromatic
    BR = "BR"  # black and white, reversal
    TA = "TA"  # tape, analogue
    TD = "TD"  # tape, digital

    @property
    def medium(self) -> RecordingMedium:
        """Film for the B codes, magnetic tape for TA and TD."""
        return RecordingMedium.MAGNETIC_TAPE if self.value.startswith("T") else RecordingMedium.FILM


# Art. IX §I ¶1: which kind of medium each sensor category records on.
_MEDIA_BY_CATEGORY: dict[SensorCategoryCode, frozenset[RecordingMedium]] = {
    SensorCategoryCode.OP: frozenset({RecordingMedium.FILM}),
    SensorCategoryCode.OF: frozenset({RecordingMedium.FILM}),
    SensorCategoryCode.TV: frozenset({RecordingMedium.MAGNETIC_TAPE}),
    SensorCategoryCode.IRLS: frozenset({RecordingMedium.FILM, RecordingMedium.MAGNETIC_TAPE}),
    SensorCategoryCode.SAR: frozenset({RecordingMedium.MAGNETIC_TAPE}),
}


@dataclass(frozen=True)
class FlightReference:
    """Observation flight reference number: "OS", last digit of the quota year, 3-digit number.

    Ann. B App.1 ¶1: e.g. ``OS9042`` is flight 042 of an active quota for a year ending in 9.
    """

    year_digit: int
    flight_number: int

    def __post_init__(self) -> None:
        if not 0 <= self.year_digit <= 9:
            raise _fail(
                "flight_reference", "the quota year digit must be 0-9", "Ann. B App.1 ¶1(B)"
            )
        if not 0 <= self.flight_number <= 999:
            raise _fail(
                "flight_reference", "the flight number must have 3 digits", "Ann. B App.1 ¶1(C)"
            )

    @classmethod
    def parse(cls, text: str, field_name: str = "flight_reference") -> FlightReference:
        """Read ``OS`` + one digit + three digits (six characters in all)."""
        match = re.fullmatch(r"OS(\d)(\d{3})", text) if isinstance(text, str) else None
        if match is None:
            raise _fail(
                field_name,
                f"{text!r} is not 'OS' + last digit of the quota year + 3-digit flight number",
                "Ann. B App.1 ¶1",
            )
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def for_flight(cls, quota_year: int, flight_number: int) -> FlightReference:
        """The reference of flight ``flight_number`` of the active quota for ``quota_year``."""
        return cls(quota_year % 10, flight_number)

    def matches_year(self, quota_year: int) -> bool:
        """True when this reference can belong to an active quota for ``quota_year``."""
        return self.year_digit == quota_year % 10

    def __str__(self) -> str:
        return f"OS{self.year_digit}{self.flight_number:03d}"


@dataclass(frozen=True)
class SensorDescription:
    """Sensor description: category code + recording medium code (Ann. B App.1 ¶2).

    The pair must also fit Art. IX §I ¶1: cameras record on film, video and SAR on magnetic
    tape, infra-red line-scanners on either.
    """

    category: SensorCategoryCode
    medium_code: MediumCode

    def __post_init__(self) -> None:
        allowed = _MEDIA_BY_CATEGORY[self.category]
        if self.medium_code.medium not in allowed:
            kinds = " or ".join(sorted(m.value.replace("_", " ") for m in allowed))
            raise _fail(
                "sensor",
                f"{self.category.value} records on {kinds}, not on {self.medium_code.value} "
                f"({self.medium_code.medium.value.replace('_', ' ')})",
                "Art. IX §I ¶1",
            )

    @classmethod
    def parse(cls, text: str, field_name: str = "sensor") -> SensorDescription:
        """Read a block of up to six characters such as ``OPBP``, ``IRLSBI`` or ``SARTD``."""
        categories = "|".join(c.value for c in SensorCategoryCode)
        media = "|".join(m.value for m in MediumCode)
        match = re.fullmatch(rf"({categories})({media})", text) if isinstance(text, str) else None
        if match is None:
            raise _fail(
                field_name,
                f"{text!r} is not a category code (OP, OF, TV, IRLS, SAR) followed by a "
                "medium code (BI, BM, BP, BR, TA, TD)",
                "Ann. B App.1 ¶2",
            )
        try:
            return cls(SensorCategoryCode(match[1]), MediumCode(match[2]))
        except InputError as error:
            raise InputError(str(error).replace("sensor:", f"{field_name}:", 1)) from None

    @property
    def medium(self) -> RecordingMedium:
        """Film or magnetic tape, from the medium code."""
        return self.medium_code.medium

    def __str__(self) -> str:
        return f"{self.category.value}{self.medium_code.value}"


@dataclass(frozen=True)
class SensorConfiguration:
    """Sensor configuration: installation, type of installation, fan (Ann. B App.1 ¶3).

    ``installation`` is ``INT`` + position from nose to tail, or ``POD`` + L, R or C;
    ``mounting`` is ``V`` (vertical, within 5 degrees), ``L``/``R`` + depression angle in
    degrees (oblique), or ``F`` (fan) followed by the fan's sensor count and this sensor's
    position from left to right. Examples: ``INT1V``, ``PODLR30``, ``INT2F32``.
    """

    installation: str
    mounting: str
    depression_angle_deg: int | None = None
    fan_count: int | None = None
    fan_position: int | None = None

    _PATTERN = re.compile(r"(INT[1-9]|POD[LRC])(V|[LR](\d{1,2})|F(\d)(\d))")

    def __post_init__(self) -> None:
        cite = "Ann. B App.1 ¶3"
        if not re.fullmatch(r"INT[1-9]|POD[LRC]", self.installation):
            raise _fail("configuration", f"installation {self.installation!r}", f"{cite}(A)")
        if self.mounting not in ("V", "L", "R", "F"):
            raise _fail("configuration", f"installation type {self.mounting!r}", f"{cite}(B)")
        oblique = self.mounting in ("L", "R")
        if oblique != (self.depression_angle_deg is not None):
            raise _fail(
                "configuration",
                "an oblique (L/R) installation, and only it, has a depression angle",
                f"{cite}(B)(2)",
            )
        if self.depression_angle_deg is not None and not 0 <= self.depression_angle_deg < 85:
            raise _fail(
                "configuration",
                f"depression angle {self.depression_angle_deg} degrees: an oblique sensor is "
                "tilted more than 5 degrees from the vertical (depression angle below 85)",
                f"{cite}(B)(2)",
            )
        fan = self.mounting == "F"
        if fan != (self.fan_count is not None and self.fan_position is not None):
            raise _fail(
                "configuration",
                "a fan installation (F), and only it, gives sensor count and position",
                f"{cite}(C)",
            )
        if self.fan_count is not None and self.fan_position is not None:
            if self.fan_count < 2:
                raise _fail("configuration", "a fan has two or more sensors", f"{cite}(B)(3)")
            if not 1 <= self.fan_position <= self.fan_count:
                raise _fail(
                    "configuration",
                    f"fan position {self.fan_position} is not between 1 and {self.fan_count}",
                    f"{cite}(C)(2)",
                )

    @classmethod
    def parse(cls, text: str, field_name: str = "configuration") -> SensorConfiguration:
        """Read a block of up to nine characters such as ``INT1V`` or ``PODLR30``."""
        match = cls._PATTERN.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise _fail(
                field_name,
                f"{text!r} is not INTn or POD L/R/C, then V, L/R + depression angle, or F + "
                "sensor count and position",
                "Ann. B App.1 ¶3",
            )
        group = match[2]
        try:
            if group == "V":
                return cls(match[1], "V")
            if group.startswith("F"):
                return cls(match[1], "F", fan_count=int(match[4]), fan_position=int(match[5]))
            return cls(match[1], group[0], depression_angle_deg=int(match[3]))
        except InputError as error:
            raise InputError(str(error).replace("configuration:", f"{field_name}:", 1)) from None

    def __str__(self) -> str:
        if self.mounting == "F":
            return f"{self.installation}F{self.fan_count}{self.fan_position}"
        if self.depression_angle_deg is not None:
            return f"{self.installation}{self.mounting}{self.depression_angle_deg}"
        return f"{self.installation}{self.mounting}"


@dataclass(frozen=True)
class Hagl:
    """Average height above ground level: five digits, then F (feet) or M (metres).

    Ann. B App.1 ¶6, e.g. ``01500M``.
    """

    value: int
    unit: str

    def __post_init__(self) -> None:
        if self.unit not in ("F", "M"):
            raise _fail("hagl", f"unit {self.unit!r} is not F or M", "Ann. B App.1 ¶6")
        if not 0 <= self.value <= 99_999:
            raise _fail("hagl", f"{self.value} does not fit five digits", "Ann. B App.1 ¶6")

    @classmethod
    def parse(cls, text: str, field_name: str = "hagl") -> Hagl:
        """Read ``ddddd`` + ``F`` or ``M``."""
        match = re.fullmatch(r"(\d{5})([FM])", text) if isinstance(text, str) else None
        if match is None:
            raise _fail(
                field_name, f"{text!r} is not 5 digits followed by F or M", "Ann. B App.1 ¶6"
            )
        return cls(int(match[1]), match[2])

    @property
    def hagl_m(self) -> float:
        """The height in metres (1 ft = 0.3048 m)."""
        return float(self.value) if self.unit == "M" else self.value * 0.3048

    def __str__(self) -> str:
        return f"{self.value:05d}{self.unit}"


_DECIMAL_POSITION = re.compile(r"(\d{2})\.(\d{2})([NS]) (\d{3})\.(\d{2})([EW])")
_MINUTES_POSITION = re.compile(r"(\d{2}) (\d{2})([NS]) (\d{3}) (\d{2})([EW])")


@dataclass(frozen=True)
class Position:
    """Latitude and longitude of the aircraft, in one of the two formats of Ann. B App.1 ¶7.

    ``text`` is the annotation as written: ``dd.ddN ddd.ddE`` (hundredths of a degree) or
    ``dd mmN ddd mmE`` (degrees and minutes). ``lat_deg`` and ``lon_deg`` are signed decimal
    degrees (north and east positive).
    """

    text: str
    lat_deg: float
    lon_deg: float

    @classmethod
    def parse(cls, text: str, field_name: str = "position") -> Position:
        """Read ``dd.dd(N|S) ddd.dd(E|W)`` or ``dd mm(N|S) ddd mm(E|W)``."""
        cite = "Ann. B App.1 ¶7"
        if not isinstance(text, str):
            raise _fail(field_name, f"{text!r} is not text", cite)
        if match := _DECIMAL_POSITION.fullmatch(text):
            lat = int(match[1]) + int(match[2]) / 100
            lon = int(match[4]) + int(match[5]) / 100
        elif match := _MINUTES_POSITION.fullmatch(text):
            if int(match[2]) >= 60 or int(match[5]) >= 60:
                raise _fail(field_name, f"{text!r}: minutes must be below 60", cite)
            lat = int(match[1]) + int(match[2]) / 60
            lon = int(match[4]) + int(match[5]) / 60
        else:
            raise _fail(field_name, f"{text!r} is not 'dd.ddN ddd.ddE' nor 'dd mmN ddd mmE'", cite)
        if lat > 90 or lon > 180:
            raise _fail(field_name, f"{text!r}: latitude above 90 or longitude above 180", cite)
        lat_deg = round(-lat if match[3] == "S" else lat, 6)
        lon_deg = round(-lon if match[6] == "W" else lon, 6)
        return cls(text, lat_deg, lon_deg)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class SignedAngle:
    """An angle in degrees with the letter that gives its direction.

    Roll L/R (Ann. B App.1 ¶9), pitch U/D relative to the horizontal (¶10), drift L/R
    relative to the flight path (¶11). ``angle_deg`` is non-negative; the letter is the sign.
    """

    angle_deg: float
    direction: str

    @classmethod
    def parse(cls, text: str, field_name: str, letters: str, citation: str) -> SignedAngle:
        """Read degrees (whole or decimal, up to 90) followed by one of ``letters``."""
        pattern = rf"(\d{{1,2}}(?:\.\d{{1,2}})?)([{letters}])"
        match = re.fullmatch(pattern, text) if isinstance(text, str) else None
        if match is None:
            raise _fail(
                field_name,
                f"{text!r} is not degrees followed by {' or '.join(letters)}",
                citation,
            )
        angle = float(match[1])
        if angle > 90:
            raise _fail(field_name, f"{text!r}: more than 90 degrees", citation)
        return cls(angle, match[2])

    def __str__(self) -> str:
        number = int(self.angle_deg) if self.angle_deg == int(self.angle_deg) else self.angle_deg
        return f"{number}{self.direction}"


@dataclass(frozen=True)
class GroundSpeed:
    """Groundspeed: three digits, then NM or KM per hour (Ann. B App.1 ¶12), e.g. ``420KM``."""

    value: int
    unit: str

    def __post_init__(self) -> None:
        if self.unit not in ("NM", "KM"):
            raise _fail("groundspeed", f"unit {self.unit!r} is not NM or KM", "Ann. B App.1 ¶12")
        if not 0 <= self.value <= 999:
            raise _fail("groundspeed", f"{self.value} does not fit 3 digits", "Ann. B App.1 ¶12")

    @classmethod
    def parse(cls, text: str, field_name: str = "groundspeed") -> GroundSpeed:
        """Read ``ddd`` + ``NM`` or ``KM``."""
        match = re.fullmatch(r"(\d{3})(NM|KM)", text) if isinstance(text, str) else None
        if match is None:
            raise _fail(
                field_name, f"{text!r} is not 3 digits followed by NM or KM", "Ann. B App.1 ¶12"
            )
        return cls(int(match[1]), match[2])

    @property
    def groundspeed_kmh(self) -> float:
        """The speed in kilometres per hour (1 NM = 1.852 km)."""
        return float(self.value) if self.unit == "KM" else self.value * 1.852

    def __str__(self) -> str:
        return f"{self.value:03d}{self.unit}"


@dataclass(frozen=True)
class AnnotationRecord:
    """One annotated point: a frame of film, or a point of the observation period.

    Ann. B §II ¶2 says which items each sensor carries and when; Appendix 1 gives formats:
    time (¶5), HAGL (¶6), position (¶7), true heading (¶8), roll (¶9), pitch (¶10),
    drift (¶11), groundspeed (¶12), SAR nearest swath point, look-down angle and swath width
    (¶13-15), film magazine and frame numbers (¶16).
    """

    time: datetime
    hagl: Hagl | None = None
    position: Position | None = None
    true_heading_deg: int | None = None
    roll: SignedAngle | None = None
    pitch: SignedAngle | None = None
    drift: SignedAngle | None = None
    groundspeed: GroundSpeed | None = None
    nearest_swath_point_km: float | None = None
    look_down_angle_deg: float | None = None
    swath_width_km: float | None = None
    magazine: int | None = None
    frame: int | None = None

    def __post_init__(self) -> None:
        if self.time.tzinfo is None or self.time.utcoffset() != timedelta(0):
            raise _fail("time", "must be Co-ordinated Universal Time (UTC)", "Ann. B App.1 ¶5")
        if self.time.second or self.time.microsecond:
            raise _fail("time", "must be given to the nearest minute", "Ann. B App.1 ¶5")
        if self.true_heading_deg is not None and not 0 <= self.true_heading_deg <= 359:
            raise _fail("true_heading_deg", "whole degrees from 0 to 359", "Ann. B App.1 ¶8")
        for name, angle, letters, cite in (
            ("roll", self.roll, "LR", "¶9"),
            ("pitch", self.pitch, "UD", "¶10"),
            ("drift", self.drift, "LR", "¶11"),
        ):
            if angle is not None and angle.direction not in letters:
                raise _fail(
                    name, f"direction must be {' or '.join(letters)}", f"Ann. B App.1 {cite}"
                )
        if self.nearest_swath_point_km is not None and self.nearest_swath_point_km < 0:
            raise _fail("nearest_swath_point_km", "kilometres, not negative", "Ann. B App.1 ¶13")
        if self.look_down_angle_deg is not None and not 0 <= self.look_down_angle_deg <= 90:
            raise _fail(
                "look_down_angle_deg", "degrees from the vertical, 0 to 90", "Ann. B App.1 ¶14"
            )
        if self.swath_width_km is not None and self.swath_width_km <= 0:
            raise _fail("swath_width_km", "kilometres, more than 0", "Ann. B App.1 ¶15")
        if (self.magazine is None) != (self.frame is None):
            raise _fail(
                "magazine", "a film frame needs both magazine and frame number", "Ann. B App.1 ¶16"
            )
        if self.magazine is not None and self.magazine < 1:
            raise _fail("magazine", "magazines are numbered from 1", "Ann. B App.1 ¶16")
        if self.frame is not None and self.frame < 1:
            raise _fail("frame", "frames are numbered from 1", "Ann. B App.1 ¶16")

    @property
    def has_sar_fields(self) -> bool:
        """True when any SAR item (¶13-15) is given."""
        return any(
            v is not None
            for v in (self.nearest_swath_point_km, self.look_down_angle_deg, self.swath_width_km)
        )

    def as_json(self) -> dict[str, Any]:
        """The record as the JSON object ``parse_annotation`` reads (absent items left out)."""
        out: dict[str, Any] = {"time": self.time.strftime("%Y-%m-%dT%H:%MZ")}
        for name in ("hagl", "position", "roll", "pitch", "drift", "groundspeed"):
            value = getattr(self, name)
            if value is not None:
                out[name] = str(value)
        for name in (
            "true_heading_deg",
            "nearest_swath_point_km",
            "look_down_angle_deg",
            "swath_width_km",
            "magazine",
            "frame",
        ):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


@dataclass(frozen=True)
class Annotation:
    """The annotation of one recording medium: leader items (Ann. B §II ¶1) and records (¶2)."""

    flight_reference: FlightReference
    flight_date: date
    sensor: SensorDescription
    configuration: SensorConfiguration
    focal_length_mm: float | None = None
    records: tuple[AnnotationRecord, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.flight_reference.matches_year(self.flight_date.year):
            raise _fail(
                "flight_reference",
                f"{self.flight_reference} names a quota year ending in "
                f"{self.flight_reference.year_digit}, but the flight date is "
                f"{self.flight_date.isoformat()}",
                "Ann. B App.1 ¶1(B)",
            )
        if self.focal_length_mm is not None and self.focal_length_mm <= 0:
            raise _fail("focal_length_mm", "millimetres, more than 0", "Ann. B App.1 ¶4")
        film = self.sensor.medium is RecordingMedium.FILM
        seen: set[tuple[int, int]] = set()
        for i, record in enumerate(self.records):
            where = f"records[{i}]"
            if record.magazine is not None and not film:
                raise _fail(
                    f"{where}.magazine",
                    f"magazine and frame numbers are for photographic film, not {self.sensor}",
                    "Ann. B App.1 ¶16",
                )
            if record.has_sar_fields and self.sensor.category is not SensorCategoryCode.SAR:
                raise _fail(
                    where,
                    f"swath and look-down items are for SAR only, not {self.sensor}",
                    "Ann. B §II ¶2(C); Ann. B App.1 ¶13–15",
                )
            if record.magazine is not None and record.frame is not None:
                key = (record.magazine, record.frame)
                if key in seen:
                    raise _fail(
                        f"{where}.frame",
                        f"magazine {key[0]} frame {key[1]} is annotated twice",
                        "Ann. B App.1 ¶16",
                    )
                seen.add(key)
        magazines = sorted({m for m, _ in seen})
        if magazines and magazines != list(range(1, len(magazines) + 1)):
            raise _fail(
                "records",
                f"magazines {magazines} are not numbered in sequence starting from one",
                "Ann. B App.1 ¶16",
            )

    def as_json(self) -> dict[str, Any]:
        """The annotation as the JSON document ``parse_annotation`` reads."""
        out: dict[str, Any] = {
            "flight_reference": str(self.flight_reference),
            "flight_date": self.flight_date.isoformat(),
            "sensor": str(self.sensor),
            "configuration": str(self.configuration),
        }
        if self.focal_length_mm is not None:
            out["focal_length_mm"] = self.focal_length_mm
        out["records"] = [r.as_json() for r in self.records]
        return out


# ---------------------------------------------------------------------------------------------
# JSON document -> Annotation

_TOP_KEYS = {"flight_reference", "flight_date", "sensor", "configuration", "focal_length_mm"}
_RECORD_KEYS = {
    "time",
    "hagl",
    "position",
    "true_heading_deg",
    "roll",
    "pitch",
    "drift",
    "groundspeed",
    "nearest_swath_point_km",
    "look_down_angle_deg",
    "swath_width_km",
    "magazine",
    "frame",
}


def _require_keys(
    doc: Mapping[str, Any], allowed: set[str], required: set[str], where: str
) -> None:
    unknown = sorted(set(doc) - allowed)
    if unknown:
        raise InputError(f"{where}: unknown key(s) {', '.join(unknown)}")
    missing = sorted(required - set(doc))
    if missing:
        raise InputError(f"{where}: missing key(s) {', '.join(missing)}")


def _number(value: Any, field_name: str, citation: str, *, integer: bool = False) -> Any:
    ok = isinstance(value, int) if integer else isinstance(value, int | float)
    if not ok or isinstance(value, bool):
        kind = "a whole number" if integer else "a number"
        raise _fail(field_name, f"{value!r} is not {kind}", citation)
    return value


def _time(value: Any, field_name: str) -> datetime:
    cite = "Ann. B App.1 ¶5"
    if not isinstance(value, str):
        raise _fail(field_name, f"{value!r} is not an ISO 8601 time", cite)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _fail(field_name, f"{value!r} is not an ISO 8601 time", cite) from None
    if parsed.tzinfo is None:
        raise _fail(field_name, f"{value!r} has no UTC offset (write Z)", cite)
    if parsed.utcoffset() != timedelta(0):
        raise _fail(field_name, f"{value!r} is not in UTC", cite)
    if parsed.second or parsed.microsecond:
        raise _fail(field_name, f"{value!r} is not to the nearest minute", cite)
    return parsed.astimezone(UTC)


def _record(doc: Any, where: str) -> AnnotationRecord:
    if not isinstance(doc, Mapping):
        raise InputError(f"{where}: expected an object")
    _require_keys(doc, _RECORD_KEYS, {"time"}, where)
    app = "Ann. B App.1"
    values: dict[str, Any] = {"time": _time(doc["time"], f"{where}.time")}
    parsers: dict[str, Callable[[Any, str], Any]] = {
        "hagl": lambda v, f: Hagl.parse(v, f),
        "position": lambda v, f: Position.parse(v, f),
        "roll": lambda v, f: SignedAngle.parse(v, f, "LR", f"{app} ¶9"),
        "pitch": lambda v, f: SignedAngle.parse(v, f, "UD", f"{app} ¶10"),
        "drift": lambda v, f: SignedAngle.parse(v, f, "LR", f"{app} ¶11"),
        "groundspeed": lambda v, f: GroundSpeed.parse(v, f),
    }
    for name, parse in parsers.items():
        if doc.get(name) is not None:
            values[name] = parse(doc[name], f"{where}.{name}")
    numbers = {
        "true_heading_deg": (f"{app} ¶8", True),
        "nearest_swath_point_km": (f"{app} ¶13", False),
        "look_down_angle_deg": (f"{app} ¶14", False),
        "swath_width_km": (f"{app} ¶15", False),
        "magazine": (f"{app} ¶16", True),
        "frame": (f"{app} ¶16", True),
    }
    for name, (cite, integer) in numbers.items():
        if doc.get(name) is not None:
            values[name] = _number(doc[name], f"{where}.{name}", cite, integer=integer)
    try:
        return AnnotationRecord(**values)
    except InputError as error:
        raise InputError(f"{where}.{error}") from None


def parse_annotation(doc: Mapping[str, Any]) -> Annotation:
    """Read an annotation from a JSON document (a dict); ``InputError`` names the bad field.

    Keys: ``flight_reference`` ("OS9042"), ``flight_date`` ("2019-06-05"), ``sensor``
    ("OPBP"), ``configuration`` ("INT1V"), optional ``focal_length_mm`` and ``records``, a
    list of objects with ``time`` (ISO 8601 UTC, whole minute) and the optional items of
    ``AnnotationRecord``. Unknown keys are refused, so a misspelt item is never dropped.
    """
    if not isinstance(doc, Mapping):
        raise InputError("annotation: expected a JSON object")
    _require_keys(
        doc,
        _TOP_KEYS | {"records"},
        {"flight_reference", "flight_date", "sensor", "configuration"},
        "annotation",
    )
    try:
        flight_date = date.fromisoformat(doc["flight_date"])
    except (TypeError, ValueError):
        raise _fail(
            "flight_date", f"{doc['flight_date']!r} is not a date (YYYY-MM-DD)", "Ann. B §II ¶1(B)"
        ) from None
    records_doc = doc.get("records", [])
    if not isinstance(records_doc, list):
        raise InputError("records: expected a list")
    focal = doc.get("focal_length_mm")
    return Annotation(
        flight_reference=FlightReference.parse(doc["flight_reference"]),
        flight_date=flight_date,
        sensor=SensorDescription.parse(doc["sensor"]),
        configuration=SensorConfiguration.parse(doc["configuration"]),
        focal_length_mm=None
        if focal is None
        else _number(focal, "focal_length_mm", "Ann. B App.1 ¶4"),
        records=tuple(_record(r, f"records[{i}]") for i, r in enumerate(records_doc)),
    )


def media_for(category: SensorCategoryCode) -> frozenset[RecordingMedium]:
    """The kinds of recording medium a sensor category uses (Art. IX §I ¶1)."""
    return _MEDIA_BY_CATEGORY[category]
