"""Binds every scenario of the .feature files in this folder (steps: the ``steps`` package)."""

from __future__ import annotations

from pytest_bdd import scenarios

scenarios(".")
