# SPDX-License-Identifier: EUPL-1.2
"""Use cases on the region's providers: the facts a contract manager changes."""

from __future__ import annotations

from dataclasses import dataclass

from zorginkoop.adapters.db.uow import UnitOfWork


class ProviderError(ValueError):
    """A provider change the store refuses (no such provider)."""


@dataclass(frozen=True, slots=True)
class ClientStopChange:
    agb_code: str
    name: str
    client_stop: bool
    was: bool


def set_client_stop(uow: UnitOfWork, agb_code: str, stopped: bool) -> ClientStopChange:
    """Put a provider on client stop (clientenstop: it takes no new clients) or lift it. Takes
    effect at once for matching (``access providers``) and coverage (``monitor coverage``)."""
    with uow:
        provider = uow.providers.get(agb_code)
        before = uow.providers.set_client_stop(agb_code, stopped)
        if provider is None or before is None:
            raise ProviderError(f"no provider with AGB code {agb_code!r}; see `zorginkoop providers list`")
        uow.commit()
    return ClientStopChange(agb_code, provider.name, stopped, before)
