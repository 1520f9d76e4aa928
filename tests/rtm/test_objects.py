"""RTM value objects: getters, Python properties, equality."""

from __future__ import annotations

from rtm.enums import MESSAGE_TYPE, PEER_ONLINE_STATE
from rtm.objects import (
    ChannelAttributeOptions,
    ChannelMemberCount,
    PeerOnlineStatus,
    RequestId,
    RtmAttribute,
    RtmChannelAttribute,
    RtmChannelMember,
    RtmMessage,
    SendMessageOptions,
)
from rtm.protocol import ChannelAttr, Payload


def test_text_message() -> None:
    message = RtmMessage("hi")
    assert message.getText() == message.text == "hi"
    assert message.getMessageType() == message.messageType == MESSAGE_TYPE.MESSAGE_TYPE_TEXT
    assert message.getRawMessage() == b"" and message.getRawMessageLength() == 0
    assert not message.isOfflineMessage() and message.getServerReceivedTs() == 0
    message.setText("changed")
    assert message.text == "changed"


def test_raw_message_and_set_raw() -> None:
    message = RtmMessage("desc", b"\x00\x01")
    assert message.getMessageType() == MESSAGE_TYPE.MESSAGE_TYPE_RAW
    assert message.getRawMessageData() == message.raw == b"\x00\x01"
    assert message.getRawMessageLength() == 2
    assert message.getText() == "desc"
    text = RtmMessage("t")
    text.setRawMessage(b"xyz", "d")
    assert (text.messageType, text.raw, text.text) == (MESSAGE_TYPE.MESSAGE_TYPE_RAW, b"xyz", "d")


def test_message_ids_are_unique_and_increasing() -> None:
    a, b = RtmMessage("a"), RtmMessage("b")
    assert a.getMessageId() != b.getMessageId()
    assert b.messageId > a.messageId


def test_received_message_carries_server_ts_and_offline_flag() -> None:
    before = RtmMessage("x").messageId
    message = RtmMessage.received(Payload(MESSAGE_TYPE.MESSAGE_TYPE_RAW, "d", b"r"), 123, True)
    assert message.isOfflineMessage() and message.offline
    assert message.getServerReceivedTs() == message.serverReceivedTs == 123
    assert (message.raw, message.text) == (b"r", "d")
    assert message.getMessageType() == MESSAGE_TYPE.MESSAGE_TYPE_RAW
    assert message.messageId > before  # numbered like every other message
    assert message.payload() == Payload(MESSAGE_TYPE.MESSAGE_TYPE_RAW, "d", b"r")
    text = RtmMessage.received(Payload(MESSAGE_TYPE.MESSAGE_TYPE_TEXT, "hi"), 5, False)
    assert (text.getText(), text.getRawMessage(), text.isOfflineMessage()) == ("hi", b"", False)
    assert text.getMessageType() == MESSAGE_TYPE.MESSAGE_TYPE_TEXT


def test_options() -> None:
    options = SendMessageOptions()
    assert not options.enableOfflineMessaging and not options.enableHistoricalMessaging
    assert SendMessageOptions(enableOfflineMessaging=True).enableOfflineMessaging
    attr_options = ChannelAttributeOptions()
    assert not attr_options.getEnableNotificationToChannelMembers()
    attr_options.setEnableNotificationToChannelMembers(True)
    assert attr_options.enableNotificationToChannelMembers


def test_attributes() -> None:
    attribute = RtmAttribute("k", "v")
    assert (attribute.getKey(), attribute.getValue()) == ("k", "v")
    attribute.setKey("k2")
    attribute.setValue("v2")
    assert attribute == RtmAttribute("k2", "v2")
    assert len({attribute, RtmAttribute("k2", "v2")}) == 1
    channel_attr = RtmChannelAttribute._from(ChannelAttr("k", "v", "alice", 1000))
    assert channel_attr.getLastUpdateUserId() == "alice"
    assert channel_attr.getLastUpdateTs() == 1000
    assert channel_attr == RtmChannelAttribute("k", "v", "alice", 1000)
    assert channel_attr != RtmChannelAttribute("k", "v", "bob", 1000)
    assert "alice" in repr(channel_attr)


def test_member_status_counts_and_request_id() -> None:
    member = RtmChannelMember("alice", "room")
    assert (member.getUserId(), member.getChannelId()) == ("alice", "room")
    assert member == RtmChannelMember("alice", "room") != RtmChannelMember("bob", "room")
    status = PeerOnlineStatus("bob", 0)
    assert status.onlineState is PEER_ONLINE_STATE.PEER_ONLINE_STATE_ONLINE and status.isOnline
    assert not PeerOnlineStatus("bob", 2).isOnline
    count = ChannelMemberCount("room", 3)
    assert count.getChannelID() == "room"
    assert count.getMemberCount() == count.memberCount == 3
    request = RequestId()
    assert int(request) == 0
    request.value = 7
    assert int(request) == 7 and "7" in repr(request)
