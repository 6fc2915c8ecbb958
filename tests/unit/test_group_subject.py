# SPDX-License-Identifier: EUPL-1.2
"""The subject of a group figure's log entry: one canonical description per group, whatever the
order its parts are given in, never longer than the column, never mistaken for a pseudonym; and
the register's monitoring activity per law."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from zorginkoop.adapters.db.repositories import load_register
from zorginkoop.domain.codes import Law
from zorginkoop.domain.processing import GROUP_ID_LENGTH, ActivityKind, Group

keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)
values = st.one_of(
    st.none(),
    st.integers(min_value=0, max_value=9999),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40),
    st.frozensets(st.text(alphabet="0123456789", min_size=4, max_size=4), max_size=40),
    st.sampled_from(list(Law)),
)


@given(st.dictionaries(keys, values, max_size=8), st.randoms())
def test_a_group_has_one_description_whatever_the_order_of_its_parts(parts, rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(parts.items())
    rnd.shuffle(shuffled)
    one, other = Group.of(**parts), Group.of(**dict(shuffled))
    assert one.subject_id == other.subject_id
    assert 0 < len(one.subject_id) <= GROUP_ID_LENGTH
    # a pseudonym is 64 hex digits; a description always holds '=' (or is 'all')
    assert "=" in one.subject_id or one.subject_id == "all"


@given(st.dictionaries(keys, values, max_size=8))
def test_a_short_description_reads_back_as_its_parts(parts) -> None:  # type: ignore[no-untyped-def]
    group = Group.of(**parts)
    if len(group.subject_id) < GROUP_ID_LENGTH and group.parts:
        read = [tuple(part.split("=", 1)) for part in group.subject_id.split(";")]
        assert read == [(k, v) for k, v in group.parts]
        kept = [k for k, v in parts.items() if v is not None and v != frozenset()]
        assert [k for k, _v in group.parts] == sorted(kept)


def test_a_long_description_keeps_its_start_and_a_hash_of_the_whole() -> None:
    many = Group.of(exclude=[f"{n:04d}" for n in range(100)], law=Law.WMO, year=2020)
    fewer = Group.of(exclude=[f"{n:04d}" for n in range(99)], law=Law.WMO, year=2020)
    assert len(many.subject_id) == GROUP_ID_LENGTH and many.subject_id.startswith("exclude=0000,0001")
    assert many.subject_id != fewer.subject_id
    assert many.law == "wmo"


def test_the_register_has_a_monitoring_activity_per_law_with_its_articles() -> None:
    register = load_register()
    assert register.resolve(ActivityKind.MONITORING, "wmo").id == "monitoring.wmo"
    assert register.resolve(ActivityKind.MONITORING, "jeugd").id == "monitoring.jeugd"
    assert register.resolve(ActivityKind.MONITORING, None).id == "monitoring"
    assert "Wmo 2015 art. 2.1.2" in register.get("monitoring.wmo").legal_basis
    assert "Jeugdwet art. 2.2" in register.get("monitoring.jeugd").legal_basis
