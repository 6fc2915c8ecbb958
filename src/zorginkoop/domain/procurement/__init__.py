# SPDX-License-Identifier: EUPL-1.2
"""Procurement: from a tender to the contracts the chain uses.

:mod:`.model` holds the tender (procedure, award method, lots, requirements, criteria),
:mod:`.evaluation` bids, scores and the evaluation, :mod:`.award` the award steps,
:mod:`.files` the TOML definition files, :mod:`.coverage` what the admitted bids cover,
:mod:`.rounds` contracting after the award (an additional round for a coverage gap; an open
house's admission of a late bid on its own).
"""
