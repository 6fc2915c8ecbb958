# SPDX-License-Identifier: EUPL-1.2
"""zorginkoop: regional purchasing and steering of youth care and social support."""

__version__ = "0.1.0"
