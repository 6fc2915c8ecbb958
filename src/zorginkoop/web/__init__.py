# SPDX-License-Identifier: EUPL-1.2
"""The HTTP API (and, later, the web application): FastAPI on top of the same use cases as the CLI."""
