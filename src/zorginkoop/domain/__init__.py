# SPDX-License-Identifier: EUPL-1.2
"""Pure domain core: no database, files, network or framework imports."""
