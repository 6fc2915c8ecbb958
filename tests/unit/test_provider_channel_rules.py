# SPDX-License-Identifier: EUPL-1.2
"""The provider channel's pure rules: who sends a message (Afzender, or the Ontvanger of a
retour, IV028) and which channel delivers a provider's outbox."""

from __future__ import annotations

from zorginkoop.domain.provider_channel import DeliveryChannel, may_deliver, sender_is_own, sending_party


def test_a_heen_message_is_sent_by_its_afzender_and_a_retour_by_its_ontvanger():
    assert sending_party("323", "11111111", "0321") == "11111111"
    assert sending_party("302", "0321", "11111111") == "11111111"  # IV028: the 301's header, copied
    assert sending_party("320", "0321", "11111111") == "11111111"


def test_a_provider_sends_only_in_its_own_name():
    assert sender_is_own("305", "11111111", "0321", "11111111")
    assert not sender_is_own("305", "11111111", "0321", "22222222")
    assert not sender_is_own("302", "0321", "11111111", "22222222")
    assert not sender_is_own("302", "11111111", "0321", "11111111")  # a 302 names the provider as Ontvanger
    assert not sender_is_own("305", "", "0321", "")


def test_only_the_providers_channel_delivers_its_outbox():
    assert may_deliver(DeliveryChannel.API, DeliveryChannel.API)
    assert may_deliver(DeliveryChannel.FILES, DeliveryChannel.FILES)
    assert not may_deliver(DeliveryChannel.FILES, DeliveryChannel.API)
    assert not may_deliver(DeliveryChannel.API, DeliveryChannel.FILES)
