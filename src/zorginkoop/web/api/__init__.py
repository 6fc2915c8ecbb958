# SPDX-License-Identifier: EUPL-1.2
"""Versioned API routers."""
