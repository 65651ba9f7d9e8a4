"""Caps on what one record file may be: its size in bytes and the number of values it holds."""

from __future__ import annotations

MAX_BYTES = 1024 * 1024
# The seed record holds about 500 values. The cap keeps a pathological file
# (a megabyte of one-character list items) from costing seconds and hundreds
# of megabytes in validation, and from printing a hundred thousand errors.
MAX_VALUES = 20_000
