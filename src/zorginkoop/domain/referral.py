# SPDX-License-Identifier: EUPL-1.2
"""Who referred a young client to youth care: the Verwijzer of iJw 3.2 (COD327).

Under the Jeugdwet care is reached by two routes: the municipality (its social or youth team)
decides, or a doctor or judicial party refers and the provider asks the municipality for an
allocation with a 315 (VerzoekToewijzing), whose AangevraagdProduct carries a Verwijzer: a Type
(COD327), and a Naam or the ZorgverlenerCode (AGB) of the referring doctor. The region keeps the
referrer with each allocation, so the Jeugd dashboard can show its figures by referrer.

- A 315's Verwijzer is kept as the provider sent it; the allocation granting it carries it.
- An allocation the municipality makes on its own decision is referrer 01 (Gemeente), unless
  the consultant records another.
- Wmo knows no referrer (the iWmo 315 has no Verwijzer): an Wmo allocation has none.
- A change or re-allocation of an allocation keeps its referrer.
"""

from __future__ import annotations

from dataclasses import dataclass

from zorginkoop.domain.codes import CodeEnum, Law


class ReferralError(ValueError):
    """A referrer that breaks a rule of the standard (CD066-CD068) or of the law."""


class ReferrerType(CodeEnum):
    """COD327 Code verwijzer (iJw 3.2, LDT_TypeVerwijzer); 07 is not in the list."""

    GEMEENTE = ("01", "Gemeente")
    HUISARTS = ("02", "Huisarts")
    JEUGDARTS = ("03", "Jeugdarts")
    GECERTIFICEERDE_INSTELLING = ("04", "Gecertificeerde instelling")
    MEDISCH_SPECIALIST = ("05", "Medisch specialist")
    ZELFVERWIJZER = ("06", "Zelfverwijzer / geen verwijzer")
    JUSTITIE = ("08", "Rechter, Officier van Justitie, functionaris Justitiële jeugdinrichting")

    @property
    def short_label(self) -> str:
        """The label as a dashboard column shows it (the standard's, shortened for 08)."""
        return "Justitie" if self is ReferrerType.JUSTITIE else self.label

    @classmethod
    def parse(cls, text: str) -> ReferrerType:
        """A code ("02") or a word people type ("huisarts", "gemeente", "gp", ...)."""
        words = {
            "gemeente": cls.GEMEENTE, "municipality": cls.GEMEENTE,
            "huisarts": cls.HUISARTS, "gp": cls.HUISARTS,
            "jeugdarts": cls.JEUGDARTS,
            "gi": cls.GECERTIFICEERDE_INSTELLING, "gecertificeerde-instelling": cls.GECERTIFICEERDE_INSTELLING,
            "medisch-specialist": cls.MEDISCH_SPECIALIST, "specialist": cls.MEDISCH_SPECIALIST,
            "zelfverwijzer": cls.ZELFVERWIJZER, "geen": cls.ZELFVERWIJZER,
            "justitie": cls.JUSTITIE, "rechter": cls.JUSTITIE,
        }  # fmt: skip
        key = text.strip().lower()
        if key in words:
            return words[key]
        return cls.from_code(text.strip().zfill(2))  # type: ignore[return-value]


DOCTORS = frozenset({
    ReferrerType.HUISARTS, ReferrerType.JEUGDARTS, ReferrerType.GECERTIFICEERDE_INSTELLING,
    ReferrerType.MEDISCH_SPECIALIST,
})  # fmt: skip
"""COD327 02-05: the referrers that may be named by their ZorgverlenerCode (CD066-CD068)."""

NAME_LENGTH = 64
"""LDT_NaamVerwijzer: 1 to 64 characters, not only spaces."""


@dataclass(frozen=True, slots=True)
class Referrer:
    """A Verwijzer: its type (COD327) and, where the standard carries them, the name of the
    referring person or body or the AGB code (ZorgverlenerCode) of the referring doctor.

    CD066: type 02-05 with a ZorgverlenerCode has no name; CD068: other types have no
    ZorgverlenerCode (both held here). CD067 (type 02-05 without a ZorgverlenerCode names the
    referrer) binds the provider's 315 and is checked there; a referrer the consultant records
    may leave both out."""

    type: ReferrerType
    name: str | None = None
    agb_code: str | None = None

    def __post_init__(self) -> None:
        if self.name is not None and not (0 < len(self.name) <= NAME_LENGTH and self.name.strip()):
            raise ReferralError(f"a referrer's name has 1 to {NAME_LENGTH} characters, got {self.name!r}")
        if self.agb_code is not None:
            if not (len(self.agb_code) == 8 and self.agb_code.isdigit()):
                raise ReferralError(
                    f"a referrer's ZorgverlenerCode is an AGB code of 8 digits, got {self.agb_code!r}"
                )
            if self.type not in DOCTORS:
                raise ReferralError(
                    f"CD068: a referrer of type {self.type.value} ({self.type.label}) has no ZorgverlenerCode"
                )
            if self.name is not None:
                raise ReferralError("CD066: a referrer with a ZorgverlenerCode has no name")

    @property
    def label_nl(self) -> str:
        """The referrer as a client file shows it: the type's Dutch name, with the name or the
        AGB code where recorded ("Huisarts (Dr. Jansen)", "Jeugdarts (AGB 01234567)", "Gemeente")."""
        if self.name is not None:
            return f"{self.type.label} ({self.name})"
        if self.agb_code is not None:
            return f"{self.type.label} (AGB {self.agb_code})"
        return self.type.label

    @classmethod
    def of(cls, type_code: str, name: str | None = None, agb_code: str | None = None) -> Referrer:
        """From the stored or received codes; :class:`ReferralError` for a code outside COD327."""
        try:
            kind = ReferrerType.from_code(type_code)
        except ValueError as exc:
            raise ReferralError(f"{exc} (COD327 Code verwijzer)") from None
        return cls(kind, name or None, agb_code or None)  # type: ignore[arg-type]


MUNICIPALITY = Referrer(ReferrerType.GEMEENTE)
"""The municipality (COD327 01): its social or youth team decided."""


def decided_referrer(law: Law, chosen: Referrer | None = None) -> Referrer | None:
    """The referrer of an allocation the municipality makes on its own decision: under the
    Jeugdwet the one the consultant chose, else the municipality (01); under the Wmo none, and
    choosing one is refused (the Wmo knows no Verwijzer)."""
    if law is Law.WMO:
        if chosen is not None:
            raise ReferralError("the Wmo knows no referrer (Verwijzer): record one for youth care only")
        return None
    return chosen if chosen is not None else MUNICIPALITY


def requested_referrer(law: Law, received: Referrer | None) -> Referrer | None:
    """The referrer of an allocation granting a provider's 315: the Verwijzer it carried
    (Jeugd); none under the Wmo."""
    return received if law is Law.JEUGD else None
