# SPDX-License-Identifier: EUPL-1.2
"""The store's tables (SQLAlchemy 2). Schema changes go through Alembic migrations.

Tables are kept apart from the domain classes; repositories translate. Amounts are whole
cents in BIGINT columns (``*_cents``), never floats. Every table that holds personal data
carries the municipality code (and, where care is delivered, the provider's AGB code), so any
query can be scoped to one municipality or one provider.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RegionRow(Base):
    __tablename__ = "region"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class MunicipalityRow(Base):
    __tablename__ = "municipality"
    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    name: Mapped[str] = mapped_column(String(200))
    inhabitants: Mapped[int] = mapped_column(Integer)


class ProviderRow(Base):
    __tablename__ = "provider"
    agb_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    laws: Mapped[str] = mapped_column(String(40), doc="comma-separated Law values")
    target_groups: Mapped[str] = mapped_column(Text, default="", doc="comma-separated TargetGroup values")
    client_stop: Mapped[bool] = mapped_column(Boolean, default=False)
    capacity: Mapped[int | None] = mapped_column(Integer)
    waiting_weeks: Mapped[int] = mapped_column(Integer, default=0)
    free_practitioner: Mapped[bool] = mapped_column(Boolean, default=False)
    delivery_channel: Mapped[str] = mapped_column(
        String(10),
        default="files",
        server_default="files",
        doc="how its outbox is delivered: files (messages export) or api (GET/ack); one at a time",
    )


class ProviderMunicipalityRow(Base):
    """Delivery area: the municipalities a provider serves."""

    __tablename__ = "provider_municipality"
    provider_agb: Mapped[str] = mapped_column(ForeignKey("provider.agb_code"), primary_key=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code"), primary_key=True)


class ProductRow(Base):
    __tablename__ = "product"
    __table_args__ = (UniqueConstraint("law", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    law: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(5))
    category: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(2))
    frequency: Mapped[str] = mapped_column(String(1))
    variant: Mapped[str] = mapped_column(String(40))
    crisis: Mapped[bool] = mapped_column(Boolean, default=False)


class TariffRow(Base):
    __tablename__ = "tariff"
    __table_args__ = (Index("ix_tariff_product_valid", "product_id", "valid_from"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(200), default="")


class ReferenceTariffRow(Base):
    """A product's reference (NZa) tariff: the base of derived tariffs, e.g. 70% for providers
    without a contract (seed 000). Kept apart from ``tariff``, the one catalogue tariff a day."""

    __tablename__ = "reference_tariff"
    __table_args__ = (Index("ix_reference_tariff_product_valid", "product_id", "valid_from"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(200), default="")


class FrameworkAgreementRow(Base):
    __tablename__ = "framework_agreement"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    procedure: Mapped[str] = mapped_column(String(60))
    term_start: Mapped[date] = mapped_column(Date)
    initial_years: Mapped[int | None] = mapped_column(Integer)
    extensions: Mapped[str] = mapped_column(String(40), default="", doc="comma-separated years")
    notice_months: Mapped[int] = mapped_column(Integer, default=6)
    extensions_used: Mapped[int] = mapped_column(Integer, default=0)


class LotRow(Base):
    __tablename__ = "lot"
    framework_code: Mapped[str] = mapped_column(ForeignKey("framework_agreement.code"), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    law: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(40))
    tariff_basis: Mapped[str] = mapped_column(String(60))
    reference_percentage: Mapped[Decimal | None] = mapped_column(Numeric(7, 4, asdecimal=True))


class LotProductRow(Base):
    __tablename__ = "lot_product"
    __table_args__ = (
        ForeignKeyConstraint(["framework_code", "lot_code"], ["lot.framework_code", "lot.code"]),
    )
    framework_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    lot_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), primary_key=True)


class ContractRow(Base):
    __tablename__ = "contract"
    __table_args__ = (
        ForeignKeyConstraint(["framework_code", "lot_code"], ["lot.framework_code", "lot.code"]),
        Index("ix_contract_provider", "provider_agb"),
    )
    number: Mapped[str] = mapped_column(String(40), primary_key=True)
    provider_agb: Mapped[str] = mapped_column(ForeignKey("provider.agb_code"))
    framework_code: Mapped[str] = mapped_column(String(40))
    lot_code: Mapped[str] = mapped_column(String(40))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    ceiling_cents: Mapped[int | None] = mapped_column(BigInteger)
    ceiling_policy: Mapped[str] = mapped_column(String(20), default="signaleren")
    volume_clients: Mapped[int | None] = mapped_column(Integer)
    ended_on: Mapped[date | None] = mapped_column(Date, doc="the day an early end was recorded")
    end_reason: Mapped[str | None] = mapped_column(String(200))


class ProviderTariffRow(Base):
    """A provider's own price for a product (its bid price), apart from the catalogue tariff:
    TR418 holds its lines against it while a contract covers the product."""

    __tablename__ = "provider_tariff"
    __table_args__ = (
        Index("ix_provider_tariff_provider_product", "provider_agb", "product_id", "valid_from"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    provider_agb: Mapped[str] = mapped_column(ForeignKey("provider.agb_code"))
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(200), default="")


class ExtensionDecisionRow(Base):
    """The region's decision on one extension option of a framework agreement for one contract."""

    __tablename__ = "extension_decision"
    __table_args__ = (
        UniqueConstraint("contract_number", "option_number", name="uq_extension_decision_option"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    framework_code: Mapped[str] = mapped_column(ForeignKey("framework_agreement.code"))
    option_number: Mapped[int] = mapped_column(Integer)
    contract_number: Mapped[str] = mapped_column(ForeignKey("contract.number"))
    decision: Mapped[str] = mapped_column(String(20))
    decided_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(100))


class CollectiveCeilingRow(Base):
    __tablename__ = "collective_ceiling"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    policy: Mapped[str] = mapped_column(String(20), default="signaleren")


class CollectiveCeilingContractRow(Base):
    __tablename__ = "collective_ceiling_contract"
    __table_args__ = (
        ForeignKeyConstraint(
            ["ceiling_code", "year"], ["collective_ceiling.code", "collective_ceiling.year"]
        ),
    )
    ceiling_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_number: Mapped[str] = mapped_column(ForeignKey("contract.number"), primary_key=True)


class ClientRow(Base):
    """Personal data: read only through a scoped repository that logs the read."""

    __tablename__ = "client"
    __table_args__ = (
        Index("ix_client_municipality", "municipality_code"),
        Index("ix_client_household", "household_id"),
    )
    bsn: Mapped[str] = mapped_column(String(9), primary_key=True)
    birth_date: Mapped[date] = mapped_column(Date)
    family_name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(10), default="")
    initials: Mapped[str] = mapped_column(String(6))
    gender: Mapped[str] = mapped_column(String(1))
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code"))
    household_id: Mapped[str | None] = mapped_column(String(40))


class ClientContactRow(Base):
    """The client's BRP address (Contact Soort 01) and phone, as a 301 carries them (TR061, TR006).

    Personal data: read only with the client, through a scoped repository.
    """

    __tablename__ = "client_contact"
    bsn: Mapped[str] = mapped_column(ForeignKey("client.bsn"), primary_key=True)
    street: Mapped[str] = mapped_column(String(200))
    house_number: Mapped[int] = mapped_column(Integer)
    house_letter: Mapped[str | None] = mapped_column(String(1))
    postcode: Mapped[str] = mapped_column(String(6))
    city: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(15))
    email: Mapped[str | None] = mapped_column(
        String(254), doc="e-mail address the provider supplied; the survey invites by e-mail when present"
    )


class DecisionRow(Base):
    __tablename__ = "decision"
    __table_args__ = (Index("ix_decision_client", "client_bsn"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    client_bsn: Mapped[str] = mapped_column(ForeignKey("client.bsn"))
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code"))
    law: Mapped[str] = mapped_column(String(10))
    decided_on: Mapped[date] = mapped_column(Date)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    product_code: Mapped[str] = mapped_column(String(5))
    model_id: Mapped[str | None] = mapped_column(String(60))
    result_areas: Mapped[str] = mapped_column(Text, default="")
    support_type: Mapped[str | None] = mapped_column(String(40))
    intensity: Mapped[str | None] = mapped_column(String(40))
    monthly_budget_cents: Mapped[int | None] = mapped_column(BigInteger)
    total_budget_cents: Mapped[int | None] = mapped_column(BigInteger)


class DecisionAddOnRow(Base):
    """An add-on module a decision grants with a product code of its own (Twente): a decided
    product of its own, allocated apart from the decision's main product."""

    __tablename__ = "decision_add_on"
    decision_id: Mapped[str] = mapped_column(ForeignKey("decision.id"), primary_key=True)
    module_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    product_code: Mapped[str] = mapped_column(String(5))
    amount_cents: Mapped[int] = mapped_column(BigInteger)


class EvaluationMomentRow(Base):
    __tablename__ = "evaluation_moment"
    decision_id: Mapped[str] = mapped_column(ForeignKey("decision.id"), primary_key=True)
    due: Mapped[date] = mapped_column(Date, primary_key=True)
    label: Mapped[str] = mapped_column(String(100), default="evaluatie")
    done_on: Mapped[date | None] = mapped_column(Date)


class AllocationRow(Base):
    """A toewijzing (ToegewezenProduct of a 301)."""

    __tablename__ = "allocation"
    __table_args__ = (
        # TR332: a ToewijzingNummer is unique per municipality within the law.
        UniqueConstraint("municipality_code", "law", "number", name="uq_allocation_number"),
        Index("ix_allocation_client", "client_bsn"),
        Index("ix_allocation_provider", "provider_agb", "valid_from"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[int] = mapped_column(BigInteger)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code"))
    law: Mapped[str] = mapped_column(String(10))
    client_bsn: Mapped[str] = mapped_column(ForeignKey("client.bsn"))
    provider_agb: Mapped[str] = mapped_column(ForeignKey("provider.agb_code"))
    category: Mapped[str] = mapped_column(String(2))
    product_code: Mapped[str | None] = mapped_column(String(5))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    allocated_at: Mapped[datetime] = mapped_column(DateTime)
    volume: Mapped[int | None] = mapped_column(BigInteger)
    unit: Mapped[str | None] = mapped_column(String(2))
    frequency: Mapped[str | None] = mapped_column(String(1))
    budget_cents: Mapped[int | None] = mapped_column(
        BigInteger, doc="the 301's Budget (CD078: only without Omvang)"
    )
    budget_limit_cents: Mapped[int | None] = mapped_column(
        BigInteger, doc="what approved declarations may add up to (TR369), with or without Omvang"
    )
    decision_id: Mapped[str | None] = mapped_column(ForeignKey("decision.id"))
    change_reason: Mapped[str | None] = mapped_column(String(2))
    provider_reference: Mapped[str | None] = mapped_column(String(36))
    comment: Mapped[str] = mapped_column(Text, default="")
    nza_percentage: Mapped[Decimal | None] = mapped_column(
        Numeric(7, 4, asdecimal=True),
        doc="tariff basis: NULL the contract tariff; 70 = 70% of the NZa tariff (no contract, seed 000)",
    )
    goals_reached: Mapped[str | None] = mapped_column(
        String(7),
        doc="end evaluation: reached | partly | not (domain.monitoring.GoalsReached); NULL unrecorded",
    )
    referrer_type: Mapped[str | None] = mapped_column(
        String(2), doc="COD327 Code verwijzer (Jeugd; NULL under the Wmo or unknown), domain.referral"
    )
    referrer_name: Mapped[str | None] = mapped_column(String(64), doc="the Verwijzer's Naam")
    referrer_agb: Mapped[str | None] = mapped_column(String(8), doc="the Verwijzer's ZorgverlenerCode (AGB)")


class DeclarationRow(Base):
    """A declaration (323) as received, with its processing state."""

    __tablename__ = "declaration"
    __table_args__ = (
        UniqueConstraint("provider_agb", "law", "number", name="uq_declaration_number"),
        Index("ix_declaration_municipality_period", "municipality_code", "period_start"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(12))
    message_id: Mapped[str] = mapped_column(String(40))
    provider_agb: Mapped[str] = mapped_column(ForeignKey("provider.agb_code"))
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code"))
    law: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    submitted_on: Mapped[date] = mapped_column(Date)
    total_cents: Mapped[int] = mapped_column(BigInteger)
    granted_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(20), default="processed")


class DeclarationLineRow(Base):
    """A prestatie with its outcome. The unique reference per provider is what makes a line
    payable once and only once, even with two imports at the same moment (TR314, 8021)."""

    __tablename__ = "declaration_line"
    __table_args__ = (
        UniqueConstraint("provider_agb", "law", "reference", name="uq_declaration_line_reference"),
        Index("ix_line_allocation", "municipality_code", "law", "allocation_number"),
        Index("ix_line_period", "period_start", "municipality_code"),
        Index("ix_line_declaration", "declaration_id"),
        # covers the cost reports (per municipality, law, status, year: clients and amounts) so
        # they read the index only: ten times faster on the demo (migration 0012_cost_report_index)
        Index(
            "ix_line_cost_report",
            "municipality_code",
            "law",
            "status",
            "period_start",
            "client_bsn",
            "granted_cents",
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declaration.id"))
    reference: Mapped[str] = mapped_column(String(36))
    client_bsn: Mapped[str] = mapped_column(String(9))
    allocation_number: Mapped[int] = mapped_column(BigInteger)
    provider_agb: Mapped[str] = mapped_column(String(8))
    municipality_code: Mapped[str] = mapped_column(String(4))
    law: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(2))
    product_code: Mapped[str | None] = mapped_column(String(5))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    volume: Mapped[int] = mapped_column(BigInteger)
    unit: Mapped[str] = mapped_column(String(2))
    tariff_cents: Mapped[int] = mapped_column(BigInteger)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    debit_credit: Mapped[str] = mapped_column(String(1))
    previous_reference: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(10))
    granted_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    return_codes: Mapped[str] = mapped_column(String(200), default="")


class AllocationOutsideLineRow(Base):
    """An approved declaration line left outside its allocation when the allocation was
    shortened or ended (a change, an end or a switch): paid for days the allocation no longer
    covers, so the provider must credit it (OP279). Recorded once per line; it is open while
    no approved credit mirrors it and the allocation still ends before the line's period."""

    __tablename__ = "allocation_outside_line"
    __table_args__ = (
        UniqueConstraint("declaration_line_id", name="uq_allocation_outside_line_line"),
        Index("ix_allocation_outside_line_allocation", "municipality_code", "law", "allocation_number"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    declaration_line_id: Mapped[int] = mapped_column(ForeignKey("declaration_line.id"))
    municipality_code: Mapped[str] = mapped_column(String(4))
    law: Mapped[str] = mapped_column(String(10))
    allocation_number: Mapped[int] = mapped_column(BigInteger)
    provider_agb: Mapped[str] = mapped_column(String(8))
    change_reason: Mapped[str] = mapped_column(String(2), doc="the RedenWijziging that left the line outside")
    allocation_end: Mapped[date] = mapped_column(Date, doc="the allocation's end set by that change")
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class ProcessingLogRow(Base):
    """Every read of personal data: who, when, under which scope, for what, about whom."""

    __tablename__ = "processing_log"
    __table_args__ = (Index("ix_processing_log_at", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(60))
    purpose: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(200))
    subjects: Mapped[int] = mapped_column(Integer, doc="number of persons whose data was read")
    subject_bsns: Mapped[str] = mapped_column(Text, default="", doc="the BSNs read, when few")


class ProcessingLogEntryRow(Base):
    """One processing operation on one data subject (Logboek Dataverwerkingen): written in the
    transaction of the read, so a read whose entry cannot be written fails. The BSN is stored
    only as its keyed pseudonym (HMAC-SHA256). Replaces ``processing_log`` (kept, no longer
    written: its rows predate the standard)."""

    __tablename__ = "processing_log_entry"
    __table_args__ = (
        Index("ix_processing_log_entry_subject", "subject_id"),
        Index("ix_processing_log_entry_started", "started_at"),
        Index("ix_processing_log_entry_actor", "actor"),
        Index("ix_processing_log_entry_activity", "activity_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trace_id: Mapped[str] = mapped_column(String(32), doc="one per unit of work (W3C trace id)")
    span_id: Mapped[str] = mapped_column(String(16), doc="one per operation (W3C span id)")
    operation: Mapped[str] = mapped_column(String(100), doc="what was done, e.g. client.get")
    started_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(10), doc="ok or error")
    activity_id: Mapped[str] = mapped_column(String(60), doc="the register's processing activity")
    subject_type: Mapped[str] = mapped_column(String(10), default="BSN")
    subject_id: Mapped[str] = mapped_column(
        String(200), doc="HMAC-SHA256 of the BSN, hex; for GROUP the group's description"
    )
    actor: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(200), doc="the scope the read ran under")


# -- message exchange (issue: iWmo/iJw workflow) -----------------------------------------------


class MessageRow(Base):
    """Every message sent or received, with its content: the outbox and the inbox.

    TR056: a message's Identificatie is unique per message type for the sender.
    """

    __tablename__ = "message"
    __table_args__ = (
        UniqueConstraint(
            "direction", "sender", "law", "message_type", "identification", name="uq_message_identification"
        ),
        Index("ix_message_outbox", "direction", "status", "message_type"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    direction: Mapped[str] = mapped_column(String(3), doc="in or out")
    law: Mapped[str] = mapped_column(String(10))
    message_type: Mapped[str] = mapped_column(String(3), doc="301, 302, 305, ... 325")
    identification: Mapped[str] = mapped_column(String(40))
    sender: Mapped[str] = mapped_column(String(8), doc="AGB code or CBS code")
    receiver: Mapped[str] = mapped_column(String(8))
    dated: Mapped[date] = mapped_column(Date, doc="Dagtekening")
    municipality_code: Mapped[str] = mapped_column(String(4))
    provider_agb: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(20), doc="out: pending, exported; in: processed, rejected")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    exported_at: Mapped[datetime | None] = mapped_column(DateTime)
    exported_by: Mapped[str | None] = mapped_column(
        String(100), doc="out: who delivered it (the API user who acknowledged it, or the export)"
    )
    in_reply_to: Mapped[int | None] = mapped_column(
        ForeignKey("message.id"), doc="out: the message it answers; in (302, 320): our 301/319 it answers"
    )
    file_name: Mapped[str] = mapped_column(String(255), default="")
    content: Mapped[bytes] = mapped_column(LargeBinary)
    summary: Mapped[str] = mapped_column(Text, default="")


class DeliveryEventRow(Base):
    """A start (305) or stop (307) of care on an allocation, as the provider reported it.

    The logical key is (Bsn, ToewijzingNummer, Begindatum); ``current`` is false once a later
    message with StatusAanlevering 3 removed it.
    """

    __tablename__ = "delivery_event"
    __table_args__ = (Index("ix_delivery_allocation", "municipality_code", "law", "allocation_number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(5), doc="start or stop")
    municipality_code: Mapped[str] = mapped_column(String(4))
    law: Mapped[str] = mapped_column(String(10))
    allocation_number: Mapped[int] = mapped_column(BigInteger)
    client_bsn: Mapped[str] = mapped_column(String(9))
    provider_agb: Mapped[str] = mapped_column(String(8))
    start_date: Mapped[date] = mapped_column(Date, doc="Begindatum of the delivery")
    end_date: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(1), doc="StatusAanlevering: 1 new, 3 remove")
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"))
    received_at: Mapped[datetime] = mapped_column(DateTime)


class StopWorklistRow(Base):
    """The back office's stop worklist: an allocation whose provider stopped care for good (307
    with a RedenBeeindiging other than 20), with the end proposed at the stop date (OP279) and
    what became of it (open, ended, dismissed, withdrawn, restored; see domain.stopping)."""

    __tablename__ = "stop_worklist"
    __table_args__ = (
        Index("ix_stop_worklist_status", "municipality_code", "status"),
        Index("ix_stop_worklist_event", "stop_event_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    municipality_code: Mapped[str] = mapped_column(String(4))
    law: Mapped[str] = mapped_column(String(10))
    allocation_number: Mapped[int] = mapped_column(BigInteger)
    client_bsn: Mapped[str] = mapped_column(String(9))
    provider_agb: Mapped[str] = mapped_column(String(8))
    stop_event_id: Mapped[int] = mapped_column(ForeignKey("delivery_event.id"), doc="the 307's StopProduct")
    end_reason: Mapped[str] = mapped_column(String(2), doc="WMO588/JZ588 RedenBeeindiging")
    proposed_end: Mapped[date] = mapped_column(Date, doc="the stop's Einddatum")
    previous_end: Mapped[date | None] = mapped_column(Date, doc="the allocation's end before the stop")
    change_reason: Mapped[str] = mapped_column(String(2), doc="WMO002/JZ002 RedenWijziging of the end")
    status: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))


class AllocationRequestRow(Base):
    """A provider's request for an allocation (315) or a change (317) and its answer (319)."""

    __tablename__ = "allocation_request"
    __table_args__ = (
        # TR347: ReferentieAanbieder is unique for the provider within the law.
        UniqueConstraint("provider_agb", "law", "reference", name="uq_allocation_request_reference"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(3), doc="315 or 317")
    law: Mapped[str] = mapped_column(String(10))
    provider_agb: Mapped[str] = mapped_column(String(8))
    municipality_code: Mapped[str] = mapped_column(String(4))
    client_bsn: Mapped[str] = mapped_column(String(9))
    reference: Mapped[str] = mapped_column(String(36), doc="ReferentieAanbieder")
    status: Mapped[str] = mapped_column(String(20), doc="open, in-onderzoek, granted, refused")
    reason: Mapped[str | None] = mapped_column(String(2), doc="WJ759 reden afwijzing")
    payload: Mapped[str] = mapped_column(Text, default="", doc="the requested products as JSON")
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"))
    answer_message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"))
    received_at: Mapped[datetime] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    referrer_type: Mapped[str | None] = mapped_column(String(2), doc="a 315's Verwijzer Type (COD327)")
    referrer_name: Mapped[str | None] = mapped_column(String(64), doc="a 315's Verwijzer Naam")
    referrer_agb: Mapped[str | None] = mapped_column(String(8), doc="a 315's Verwijzer ZorgverlenerCode")


# -- declaration processing (issue: 323 in, 325 out) -------------------------------------------


class ProcessedFileRow(Base):
    """A declaration file by content hash: the same file twice is recognised, grants nothing and
    gets the answer it got the first time (``answer_message_id``, the 325 in the outbox)."""

    __tablename__ = "processed_file"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    processed_at: Mapped[datetime] = mapped_column(DateTime)
    declaration_id: Mapped[int | None] = mapped_column(ForeignKey("declaration.id"))
    outcome: Mapped[str] = mapped_column(String(200))
    answer_message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"))


class PaymentRow(Base):
    """The payments ledger: one signed entry per approved line, never updated, never deleted."""

    __tablename__ = "payment"
    __table_args__ = (
        UniqueConstraint("declaration_line_id", name="uq_payment_line"),
        Index("ix_payment_municipality_provider", "municipality_code", "provider_agb", "year"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    declaration_line_id: Mapped[int] = mapped_column(ForeignKey("declaration_line.id"))
    municipality_code: Mapped[str] = mapped_column(String(4))
    provider_agb: Mapped[str] = mapped_column(String(8))
    law: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer, doc="year of the ProductPeriode")
    amount_cents: Mapped[int] = mapped_column(BigInteger, doc="credits negative")
    booked_at: Mapped[datetime] = mapped_column(DateTime)


class CeilingNoticeRow(Base):
    """A notice that a ceiling passed 70% or 100% (national contract standard, spending room)."""

    __tablename__ = "ceiling_notice"
    __table_args__ = (
        UniqueConstraint("ceiling_kind", "ceiling_key", "year", "threshold", name="uq_ceiling_notice"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ceiling_kind: Mapped[str] = mapped_column(String(20), doc="provider, collective or allocation")
    ceiling_key: Mapped[str] = mapped_column(String(60))
    year: Mapped[int] = mapped_column(Integer)
    threshold: Mapped[int] = mapped_column(Integer)
    reached_at: Mapped[datetime] = mapped_column(DateTime)
    declaration_id: Mapped[int | None] = mapped_column(ForeignKey("declaration.id"))


# -- accounts: who may sign in (migration 0010_accounts) ----------------------------------------
# Kept apart from the region's data: no foreign keys to municipality or provider, so accounts
# outlive a rebuilt demo region. Times are naive UTC, as elsewhere in the store.


class UserRow(Base):
    """An account: a login, its role and the argon2 hash of its password (never the password)."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    provider_agb: Mapped[str | None] = mapped_column(String(8), doc="for role aanbieder")
    password_hash: Mapped[str] = mapped_column(String(200), doc="argon2id, PHC string")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class UserMunicipalityRow(Base):
    """A municipality (CBS code) a user with a municipal role may see."""

    __tablename__ = "app_user_municipality"
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(4), primary_key=True)


class ApiTokenRow(Base):
    """A bearer token handed out at login: only its keyed hash is stored, never the token."""

    __tablename__ = "api_token"
    __table_args__ = (Index("ix_api_token_user", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, doc="HMAC-SHA256, hex")
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class LoginFailureRow(Base):
    """A failed login for a login name (known or not): the store behind login throttling, so
    the limit holds across processes and restarts."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_login_at", "login", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    login: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime)


# -- signals about providers (migration 0014_report_provider_signals) ---------------------------


class ProviderSignalRow(Base):
    """A signal about a provider (compliment, concern, complaint) a social team or contract
    manager recorded, with who and when; held by one municipality (``municipality_code`` NULL:
    the region's), so the tenancy layer scopes it as it scopes care."""

    __tablename__ = "provider_signal"
    __table_args__ = (Index("ix_provider_signal_provider", "provider_agb", "recorded_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    provider_agb: Mapped[str] = mapped_column(ForeignKey("provider.agb_code"))
    municipality_code: Mapped[str | None] = mapped_column(String(4), doc="NULL: the whole region")
    kind: Mapped[str] = mapped_column(String(10), doc="compliment, concern or complaint")
    text: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, doc="naive UTC")


class SurveyRoundRow(Base):
    """A round of the client experience survey (Wmo art. 2.5.1, Jeugdwet art. 2.10): one year and
    law, for the region (``municipality_code`` NULL) or one municipality, with its questionnaire
    as it was when the round was made (JSON, ``domain.survey.Questionnaire``)."""

    __tablename__ = "survey_round"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer)
    law: Mapped[str] = mapped_column(String(10))
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipality.code"))
    questionnaire: Mapped[str] = mapped_column(Text)
    sample: Mapped[int | None] = mapped_column(Integer, doc="clients drawn per municipality; NULL all")
    seed: Mapped[int] = mapped_column(Integer)
    closes_on: Mapped[date] = mapped_column(Date, doc="the last day a token works")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(200))


class SurveyInvitationRow(Base):
    """A client drawn for a round, with the municipality and main provider its answers count
    for. Personal data. The token is stored only as its SHA-256, set when the invitation is sent."""

    __tablename__ = "survey_invitation"
    __table_args__ = (
        UniqueConstraint("round_id", "client_bsn", name="uq_survey_invitation_client"),
        UniqueConstraint("token_hash", name="uq_survey_invitation_token_hash"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id"))
    client_bsn: Mapped[str] = mapped_column(ForeignKey("client.bsn"))
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code"))
    provider_agb: Mapped[str] = mapped_column(ForeignKey("provider.agb_code"))
    token_hash: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(6), doc="email | letter; NULL not sent yet")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, doc="set once: a token works one time")


class SurveyAnswerRow(Base):
    """One answer of a respondent (a scale code of ``domain.survey.SCALE``). Personal data: it
    belongs to the invitation, so to the client."""

    __tablename__ = "survey_answer"
    __table_args__ = (UniqueConstraint("invitation_id", "question", name="uq_survey_answer_question"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("survey_invitation.id"))
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code"))
    provider_agb: Mapped[str] = mapped_column(ForeignKey("provider.agb_code"))
    question: Mapped[str] = mapped_column(String(40))
    answer: Mapped[str] = mapped_column(String(1))


# -- procurement: tenders, bids, scores, outcomes ---------------------------------------------
# Kept so an OCDS release per stage can be built from them: the tender (planning/tender: ids,
# registration dates, lots, criteria, status), the award (intended and final dates, outcomes
# with values) and the contracts (numbers linked per outcome, term).


class TenderRow(Base):
    __tablename__ = "tender"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    procedure: Mapped[str] = mapped_column(String(20))
    award_method: Mapped[str] = mapped_column(String(20))
    tariff_policy: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), doc="open, awarded (intended award) or final")
    published: Mapped[date | None] = mapped_column(Date)
    registration_opens: Mapped[date] = mapped_column(Date)
    registration_closes: Mapped[date | None] = mapped_column(Date)
    term_start: Mapped[date] = mapped_column(Date)
    term_years: Mapped[int | None] = mapped_column(Integer)
    term_extensions: Mapped[str] = mapped_column(String(40), default="", doc="comma-separated years")
    notice_months: Mapped[int] = mapped_column(Integer, default=6)
    scale_low: Mapped[Decimal] = mapped_column(Numeric(9, 4, asdecimal=True))
    scale_high: Mapped[Decimal] = mapped_column(Numeric(9, 4, asdecimal=True))
    minimum_total: Mapped[Decimal | None] = mapped_column(Numeric(9, 4, asdecimal=True))
    standstill_days: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    intended_award_on: Mapped[date | None] = mapped_column(Date)
    final_award_on: Mapped[date | None] = mapped_column(Date)
    framework_code: Mapped[str | None] = mapped_column(String(40), doc="the framework agreement it created")
    round_of: Mapped[str | None] = mapped_column(
        String(40), doc="an additional round: the tender whose coverage gap it contracts for"
    )
    gap_cells: Mapped[str] = mapped_column(
        Text,
        default="",
        server_default="",
        doc="an additional round's cells: municipality:target group lines",
    )


class TenderLotRow(Base):
    __tablename__ = "tender_lot"
    tender_code: Mapped[str] = mapped_column(ForeignKey("tender.code"), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    law: Mapped[str] = mapped_column(String(10))
    ceiling_cents: Mapped[int | None] = mapped_column(BigInteger)
    places: Mapped[int | None] = mapped_column(Integer)


class TenderLotProductRow(Base):
    __tablename__ = "tender_lot_product"
    __table_args__ = (
        ForeignKeyConstraint(["tender_code", "lot_code"], ["tender_lot.tender_code", "tender_lot.code"]),
    )
    tender_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    lot_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    product_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    tariff_cents: Mapped[int | None] = mapped_column(BigInteger, doc="fixed tariff; NULL when bid")
    volume: Mapped[int] = mapped_column(Integer, default=1)


class TenderQuestionRow(Base):
    """A knock-out requirement (kind one of RequirementKind) or a remark (kind ``remark``)."""

    __tablename__ = "tender_question"
    tender_code: Mapped[str] = mapped_column(ForeignKey("tender.code"), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    minimum: Mapped[int | None] = mapped_column(Integer)
    accepted: Mapped[str] = mapped_column(Text, default="", doc="names separated by a newline")


class TenderConditionRow(Base):
    __tablename__ = "tender_condition"
    tender_code: Mapped[str] = mapped_column(ForeignKey("tender.code"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    minimum: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")


class TenderCriterionRow(Base):
    __tablename__ = "tender_criterion"
    tender_code: Mapped[str] = mapped_column(ForeignKey("tender.code"), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    weight: Mapped[int] = mapped_column(Integer)
    minimum: Mapped[Decimal | None] = mapped_column(Numeric(9, 4, asdecimal=True))


class TenderBidRow(Base):
    __tablename__ = "tender_bid"
    __table_args__ = (
        ForeignKeyConstraint(["tender_code", "lot_code"], ["tender_lot.tender_code", "tender_lot.code"]),
    )
    tender_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    lot_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    provider_agb: Mapped[str] = mapped_column(ForeignKey("provider.agb_code"), primary_key=True)
    submitted_on: Mapped[date] = mapped_column(Date)
    products: Mapped[str] = mapped_column(Text, default="", doc="comma-separated product codes")
    municipalities: Mapped[str] = mapped_column(Text, default="", doc="comma-separated CBS codes")
    target_groups: Mapped[str] = mapped_column(Text, default="", doc="comma-separated TargetGroup values")


class TenderBidPriceRow(Base):
    __tablename__ = "tender_bid_price"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tender_code", "lot_code", "provider_agb"],
            ["tender_bid.tender_code", "tender_bid.lot_code", "tender_bid.provider_agb"],
        ),
    )
    tender_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    lot_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    provider_agb: Mapped[str] = mapped_column(String(8), primary_key=True)
    product_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    price_cents: Mapped[int] = mapped_column(BigInteger)


class TenderBidAnswerRow(Base):
    __tablename__ = "tender_bid_answer"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tender_code", "lot_code", "provider_agb"],
            ["tender_bid.tender_code", "tender_bid.lot_code", "tender_bid.provider_agb"],
        ),
    )
    tender_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    lot_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    provider_agb: Mapped[str] = mapped_column(String(8), primary_key=True)
    question_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    value_type: Mapped[str] = mapped_column(String(4), doc="bool, int or str")
    value: Mapped[str] = mapped_column(Text)


class TenderScoreRow(Base):
    __tablename__ = "tender_score"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tender_code", "lot_code", "provider_agb"],
            ["tender_bid.tender_code", "tender_bid.lot_code", "tender_bid.provider_agb"],
        ),
        Index("ix_tender_score_bid", "tender_code", "lot_code", "provider_agb"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tender_code: Mapped[str] = mapped_column(String(40))
    lot_code: Mapped[str] = mapped_column(String(40))
    provider_agb: Mapped[str] = mapped_column(String(8))
    criterion_code: Mapped[str] = mapped_column(String(40))
    assessor: Mapped[str] = mapped_column(String(100))
    value: Mapped[Decimal] = mapped_column(Numeric(9, 4, asdecimal=True))
    consensus: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class TenderOutcomeRow(Base):
    """The evaluation as the intended award fixed it, and the contract the final award made."""

    __tablename__ = "tender_outcome"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tender_code", "lot_code", "provider_agb"],
            ["tender_bid.tender_code", "tender_bid.lot_code", "tender_bid.provider_agb"],
        ),
    )
    tender_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    lot_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    provider_agb: Mapped[str] = mapped_column(String(8), primary_key=True)
    admitted: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text)
    score: Mapped[Decimal | None] = mapped_column(Numeric(9, 4, asdecimal=True))
    rank: Mapped[int | None] = mapped_column(Integer)
    price_cents: Mapped[int | None] = mapped_column(BigInteger)
    criteria: Mapped[str] = mapped_column(
        Text, default="", doc="per criterion its score on the scale or its price points: code=value lines"
    )
    contract_number: Mapped[str | None] = mapped_column(String(40))
    decided_on: Mapped[date | None] = mapped_column(
        Date, doc="an open house's admission of this bid on its own, after the final award; NULL otherwise"
    )


class ConsultationSeatRow(Base):
    """A seat at a consultation table of a bestuurlijk tender (3 large, 3 medium, 3 small)."""

    __tablename__ = "consultation_seat"
    tender_code: Mapped[str] = mapped_column(ForeignKey("tender.code"), primary_key=True)
    provider_agb: Mapped[str] = mapped_column(ForeignKey("provider.agb_code"), primary_key=True)
    table_size: Mapped[str] = mapped_column(String(20), doc="groot | middelgroot | klein")
    clients: Mapped[int] = mapped_column(Integer, doc="the provider's clients in the reference year")
    reference_year: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    chosen_by_user: Mapped[bool] = mapped_column(Boolean, default=False)


class ConsultationMeetingRow(Base):
    """A meeting of one consultation table, with its agenda and minutes."""

    __tablename__ = "consultation_meeting"
    __table_args__ = (Index("ix_consultation_meeting_tender", "tender_code", "day"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tender_code: Mapped[str] = mapped_column(ForeignKey("tender.code"))
    table_size: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date)
    agenda: Mapped[str] = mapped_column(Text)
    minutes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class ConsultationInputRow(Base):
    """A provider's online input on one topic of a bestuurlijk tender's consultation."""

    __tablename__ = "consultation_input"
    __table_args__ = (Index("ix_consultation_input_tender", "tender_code", "topic"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tender_code: Mapped[str] = mapped_column(ForeignKey("tender.code"))
    provider_agb: Mapped[str] = mapped_column(ForeignKey("provider.agb_code"))
    topic: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
    submitted_by: Mapped[str] = mapped_column(String(100))


class CovenantAgreementRow(Base):
    """One article of one version of a bestuurlijk tender's covenant."""

    __tablename__ = "covenant_agreement"
    tender_code: Mapped[str] = mapped_column(ForeignKey("tender.code"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    article: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
