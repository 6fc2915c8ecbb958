# SPDX-License-Identifier: EUPL-1.2
"""Code lists of the iStandaarden that the domain reasons with.

Each enum carries the standard's code as its value and the standard's Dutch label. The lists
are small and fixed by the standard (iWmo/iJw 3.2), so they live in code, next to the rules
that use them. The message layer (``adapters.istandaarden``) validates the full lists.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum


class CodeEnum(str, Enum):
    """A code from a national code list: ``value`` is the code, ``label`` the standard's name."""

    label: str

    def __new__(cls, code: str, label: str = "") -> CodeEnum:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    @classmethod
    def from_code(cls, code: str) -> CodeEnum:
        try:
            return cls(code)
        except ValueError:
            known = ", ".join(m.value for m in cls)
            raise ValueError(f"{code!r} is not a code of {cls.__name__} (known: {known})") from None

    def __str__(self) -> str:
        return str(self.value)


class Law(str, Enum):
    """The law under which care is given: Wmo 2015 (social support) or Jeugdwet (youth care)."""

    WMO = "wmo"
    JEUGD = "jeugd"

    @property
    def standard(self) -> str:
        return "iWmo" if self is Law.WMO else "iJw"

    @property
    def message_prefix(self) -> str:
        return "WMO" if self is Law.WMO else "JW"


class Unit(CodeEnum):
    """WJ756 Eenheid."""

    MINUUT = ("01", "Minuut")
    UUR = ("04", "Uur")
    ETMAAL = ("14", "Etmaal")
    DAGDEEL = ("16", "Dagdeel (4 uur)")
    STUKS_OUTPUT = ("82", "Stuks (output)")
    EUROS = ("83", "Euro's")
    STUKS_INSPANNING = ("84", "Stuks (inspanning)")

    @classmethod
    def parse(cls, text: str) -> Unit:
        """A code ("04") or a word people type ("uur", "minuut", "etmaal", "dagdeel", ...)."""
        words = {
            "minuut": cls.MINUUT, "minute": cls.MINUUT,
            "uur": cls.UUR, "hour": cls.UUR,
            "etmaal": cls.ETMAAL, "day": cls.ETMAAL,
            "dagdeel": cls.DAGDEEL,
            "stuks-output": cls.STUKS_OUTPUT, "output": cls.STUKS_OUTPUT,
            "euro": cls.EUROS, "euros": cls.EUROS,
            "stuks": cls.STUKS_INSPANNING, "stuks-inspanning": cls.STUKS_INSPANNING,
        }  # fmt: skip
        key = text.strip().lower()
        if key in words:
            return words[key]
        return cls.from_code(text.strip())  # type: ignore[return-value]


class Frequency(CodeEnum):
    """WMO757 Frequentie (iJw uses the same codes)."""

    PER_DAG = ("1", "Per dag")
    PER_WEEK = ("2", "Per week")
    PER_MAAND = ("4", "Per maand")
    TOTAAL = ("6", "Totaal binnen geldigheidsduur toewijzing")

    @classmethod
    def parse(cls, text: str) -> Frequency:
        words = {
            "dag": cls.PER_DAG, "day": cls.PER_DAG,
            "week": cls.PER_WEEK,
            "maand": cls.PER_MAAND, "month": cls.PER_MAAND,
            "totaal": cls.TOTAAL, "total": cls.TOTAAL,
        }  # fmt: skip
        key = text.strip().lower()
        if key in words:
            return words[key]
        return cls.from_code(text.strip())  # type: ignore[return-value]

    @property
    def per_month(self) -> Decimal | None:
        """How many times this frequency occurs in an average month (None for a total).

        A year has 52 weeks and 12 months, so a week occurs 52/12 = 13/3 times a month; a day
        365/12 times. These are the conversion factors of the national 'inspanningsgericht'
        fixed monthly rate (3 h/week x EUR 40 x 13/3 = EUR 520).
        """
        if self is Frequency.PER_DAG:
            return Decimal(365) / Decimal(12)
        if self is Frequency.PER_WEEK:
            return Decimal(13) / Decimal(3)
        if self is Frequency.PER_MAAND:
            return Decimal(1)
        return None


class WmoCategory(CodeEnum):
    """WMO020 Productcategorie."""

    HULP_BIJ_HET_HUISHOUDEN = ("01", "Hulp bij het huishouden")
    BEGELEIDING = ("02", "Begeleiding")
    PERSOONLIJKE_VERZORGING = ("03", "Persoonlijke verzorging")
    KORTDUREND_VERBLIJF = ("04", "Kortdurend verblijf")
    WOONDIENSTEN = ("05", "Woondiensten")
    OVERIGE_INDIVIDU = ("06", "Overige ondersteuning gericht op het individu of huishouden/gezin")
    DAGBESTEDING = ("07", "Dagbesteding")
    VERVOERDIENSTEN = ("08", "Vervoerdiensten")
    OVERIGE_GROEP = ("09", "Overige groepsgerichte ondersteuning")
    OVERIGE_MAATWERK = ("10", "Overige maatwerk arrangementen")
    ROLSTOELEN = ("11", "Rolstoelen")
    VERVOERVOORZIENINGEN = ("12", "Vervoervoorzieningen")
    WOONVOORZIENINGEN = ("13", "Woonvoorzieningen")
    OVERIGE_HULPMIDDELEN = ("14", "Overige hulpmiddelen")
    BESCHERMD_WONEN = ("15", "Beschermd wonen")
    OPVANG = ("16", "Opvang")
    SPOEDOPVANG = ("17", "Spoedopvang")
    OVERIGE_BW_OPVANG = ("18", "Overige beschermd wonen en opvang")


class JeugdCategory(CodeEnum):
    """JZ020 Productcategorie."""

    WIJKTEAM_2015 = ("31", "(2015) Zonder verblijf: uitgevoerd door wijk- of buurtteam")
    AMBULANT_LOCATIE_2015 = ("32", "(2015) Zonder verblijf: ambulante jeugdhulp op locatie van de aanbieder")
    DAGHULP_2015 = ("33", "(2015) Zonder verblijf: daghulp op locatie van de aanbieder")
    NETWERK_2015 = ("34", "(2015) Zonder verblijf: jeugdhulp in het netwerk van de jeugdige")
    PLEEGZORG_2015 = ("35", "(2015) Met verblijf: pleegzorg")
    GEZINSGERICHT_2015 = ("36", "(2015) Met verblijf: gezinsgericht")
    GESLOTEN_2015 = ("37", "(2015) Met verblijf: gesloten plaatsing")
    RESIDENTIEEL_2015 = ("38", "(2015) Met verblijf: overig residentieel")
    PERSOONLIJKE_VERZORGING = ("40", "Persoonlijke verzorging")
    DAGBEHANDELING = ("41", "Dagbehandeling")
    VERVOERDIENSTEN = ("42", "Vervoerdiensten")
    VERBLIJF_MET_BEHANDELING = ("43", "Jeugdhulp verblijf (incl. behandeling)")
    VERBLIJF_ZONDER_BEHANDELING = ("44", "Jeugdhulp verblijf (excl. behandeling)")
    AMBULANT = ("45", "Jeugdhulp ambulant")
    CRISIS = ("46", "Jeugdhulp crisis")
    JEUGDRECLASSERING = ("47", "Jeugdreclassering")
    JEUGDBESCHERMING = ("48", "Jeugdbescherming")
    PREVENTIEF_JUSTITIEEL = ("49", "Activiteiten in het preventief justitieel kader")
    MAATWERK = ("50", "Maatwerkarrangementen jeugd")
    BASIS_GGZ = ("51", "Generalistische basis-ggz")
    SPECIALISTISCHE_GGZ = ("52", "Specialistische ggz")
    KINDERGENEESKUNDE = ("53", "Kindergeneeskunde")
    JEUGD_GGZ = ("54", "Jeugd-ggz")
    LANDELIJK = ("55", "Landelijk ingekochte zorg")


def category_for(law: Law, code: str) -> WmoCategory | JeugdCategory:
    """The product category with ``code`` in the code list of ``law`` (WMO020 or JZ020)."""
    enum = WmoCategory if law is Law.WMO else JeugdCategory
    return enum.from_code(code)  # type: ignore[return-value]


CRISIS_CATEGORIES: frozenset[str] = frozenset({JeugdCategory.CRISIS.value, WmoCategory.SPOEDOPVANG.value})
"""Categories of crisis care: always paid, whatever the ceiling (national contract standard)."""


class FinancingVariant(str, Enum):
    """The uitvoeringsvarianten of the iStandaarden, plus capacity bought as such."""

    EFFORT = "inspanningsgericht"
    OUTPUT = "outputgericht"
    TASK = "taakgericht"
    AVAILABILITY = "beschikbaarheid"


class TargetGroup(str, Enum):
    """Target groups for which coverage (dekkend aanbod) must hold per municipality."""

    PSYCHOGERIATRIC_SOMATIC = "psychogeriatrisch-somatisch"
    PSYCHIATRIC_PSYCHOSOCIAL = "psychiatrisch-psychosociaal"
    ACQUIRED_BRAIN_INJURY = "nah"
    MILD_INTELLECTUAL_DISABILITY = "lvb"
    COMPLEX_PROBLEMS = "complexe-problematiek"
    YOUTH = "jeugd"
    YOUTH_MENTAL_HEALTH = "jeugd-ggz"
    YOUTH_DISABILITY = "kmb"


class ChangeReason(CodeEnum):
    """WMO002 / JZ002 Reden wijziging toewijzing (same codes in both standards)."""

    ADMINISTRATIEVE_CORRECTIE_VERVALLEN = ("01", "Administratieve correctie (vervallen)")
    CLIENT_OVERLEDEN = ("02", "Cliënt overleden")
    CONTRACTWIJZIGING = ("03", "Contractwijziging")
    VERLENGING = ("04", "Herbeoordeling: verlenging toewijzing")
    VERKORTING = ("05", "Herbeoordeling: verkorting toewijzing")
    UITSTROOM_ANDER_DOMEIN = ("06", "Uitstroom naar ander domein")
    VERHUIZING = ("07", "Verhuizing naar een andere gemeente")
    WIJZIGING_LEVERINGSVORM = ("08", "Wijziging leveringsvorm")
    OVERSTAP_AANBIEDER = ("09", "Overstap naar andere aanbieder")
    NIEUWE_BEKOSTIGING = ("10", "Overgang naar nieuwe bekostigingssystematiek")
    HERINDELING = ("11", "Gemeentelijke herindeling")
    INITIATIEF_AANBIEDER = ("12", "Geïnitieerd door de aanbieder")
    VERWIJDERD = ("13", "Verwijderd")
    ADMINISTRATIEVE_CORRECTIE = ("14", "Administratieve correctie")


class EndReason(CodeEnum):
    """WMO588 Reden beeindiging (iWmo 3.2).

    JZ588 (iJw 3.2) is not the same list: it has no 19 and 21-23, its 31 means "volgens plan"
    (WMO588 31 is a move) and 32-35 mean ended early. Read a code with its law through
    :func:`zorginkoop.domain.monitoring.end_kind`.
    """

    OVERLIJDEN = ("02", "Overlijden")
    VOLGENS_PLAN = ("19", "Levering volgens plan beeindigd")
    TIJDELIJK = ("20", "Levering is tijdelijk beeindigd")
    DOOR_CLIENT = ("21", "Levering is eenzijdig door client beeindigd")
    DOOR_AANBIEDER = ("22", "Levering is eenzijdig door aanbieder beeindigd")
    IN_OVERLEG = ("23", "Levering is in overeenstemming voortijdig beeindigd")
    VERHUIZING = ("31", "Verhuizing naar een andere gemeente")
    DOOR_GEMEENTE = ("36", "Geinitieerd door de gemeente")
    WIJZIGINGSVERZOEK = ("37", "In verband met wijzigingsverzoek")
    OVERSTAP = ("38", "Overstap naar andere aanbieder")
    ANDER_DOMEIN = ("39", "Uitstroom naar ander domein")
