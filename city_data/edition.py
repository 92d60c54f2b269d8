"""The edition the packaged panel describes: the one default year of every loader and command."""

from __future__ import annotations

__all__ = ["EDITION"]

#: The current packaged edition (see :func:`city_data.available_years` for all of them).
EDITION = 2025
