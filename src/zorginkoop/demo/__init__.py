# SPDX-License-Identifier: EUPL-1.2
"""Demo data: a synthetic but realistic region, generated deterministically from a seed.

The generators here are pure: they build domain objects in memory and touch no database or
file. ``services.demo`` writes what they build to a store.
"""

from __future__ import annotations

from zorginkoop.demo.lekstroom import DemoRegion, build_lekstroom

__all__ = ["DemoRegion", "build_lekstroom"]
