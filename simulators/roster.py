"""The students of a class: one deterministic roster shared by the NLP matcher and the CMS.

The same class id always has the same students, so that NLP's suggestions and the roster CMS
serves over HTTP (``GET /v1/classes/{class_id}/roster``) agree::

    class_roster("c0ffee00-0000-4000-8000-000000000001", 3)   # [Student(...), ...]
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _names("Alice Erik Maja Omar Sara Liam Elsa Noah Ida Hugo Olivia Leo Ebba Adam Wilma")
LAST_NAMES = _names(
    "Andersson Johansson Karlsson Nilsson Eriksson Larsson Smith Brown Taylor Evans"
)


@dataclass(frozen=True)
class Student:
    """A student of a class roster."""

    student_id: str
    name: str
    email: str


def class_roster(class_id: str, size: int) -> list[Student]:
    """The first ``size`` students of a class: the same class always has the same students."""
    return [_student(class_id, index) for index in range(size)]


def _student(class_id: str, index: int) -> Student:
    digest = hashlib.sha256(f"{class_id}/{index}".encode()).digest()
    first, last = FIRST_NAMES[digest[0] % len(FIRST_NAMES)], LAST_NAMES[digest[1] % len(LAST_NAMES)]
    student_id = uuid.uuid5(uuid.NAMESPACE_URL, f"huleedu-harness:class/{class_id}/{index}")
    return Student(
        str(student_id), f"{first} {last}", f"{first}.{last}{index}@school.example".lower()
    )


def roster_entry(student: Student) -> dict[str, Any]:
    """One student as CMS's roster endpoint lists it (ClassRosterResponse.students)."""
    first, _, last = student.name.partition(" ")
    return {
        "student_id": student.student_id,
        "first_name": first,
        "last_name": last,
        "full_legal_name": student.name,
        "email": student.email,
    }
