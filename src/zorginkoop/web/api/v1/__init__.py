# SPDX-License-Identifier: EUPL-1.2
"""Version 1 of the API, under ``/api/v1``: one module per resource, thin routes over use cases."""

from __future__ import annotations

from fastapi import APIRouter

from zorginkoop.web.api.v1 import allocations, auth, clients, messages, monitor, processing_log, reports
from zorginkoop.web.api.v1 import survey as survey_routes

router = APIRouter(prefix="/api/v1")
router.include_router(auth.router)
router.include_router(clients.router)
router.include_router(allocations.router)
router.include_router(reports.router)
router.include_router(messages.router)
router.include_router(processing_log.router)
router.include_router(monitor.router)
router.include_router(survey_routes.router)
