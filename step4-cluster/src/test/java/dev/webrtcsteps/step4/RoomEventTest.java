package dev.webrtcsteps.step4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.webrtcsteps.step4.RoomEvent.Kind;
import org.junit.jupiter.api.Test;

/** The messages on a room's channel, as the Lua scripts and {@link ClusterHub} write them. */
class RoomEventTest {

    @Test
    void readsEachKindOfChange() {
        assertEquals(new RoomEvent(Kind.JOINED, 7, "id1", "node-a", "Ann Smith"), RoomEvent.parse("joined\t7\tid1\tnode-a\tAnn Smith"));
        assertEquals(new RoomEvent(Kind.LEFT, 8, "id1", null, null), RoomEvent.parse("left\t8\tid1"));
        assertEquals(new RoomEvent(Kind.MOVED, 9, "id1", "node-b", null), RoomEvent.parse("moved\t9\tid1\tnode-b"));
    }

    @Test
    void aSignalKeepsItsFrameWhateverItHolds() {
        String frame = "{\"type\":\"signal\",\"from\":\"x\",\"data\":{\"description\":{\"sdp\":\"v=0\\r\\na=x\\tb\"}}}";
        String message = RoomEvent.signal("id2", frame);
        assertEquals(new RoomEvent(Kind.SIGNAL, 0, "id2", null, frame), RoomEvent.parse(message));
    }

    @Test
    void whatIsNotAnEventIsIgnored() {
        assertNull(RoomEvent.parse("hello"));
        assertNull(RoomEvent.parse("joined\tnot-a-number\tid\tnode\tname"));
        assertNull(RoomEvent.parse("joined\t1\tid"));
        assertNull(RoomEvent.parse("left"));
        assertNull(RoomEvent.parse(""));
    }

    @Test
    void roomKeysShareTheRoomsHashTagAndTheChannelNamesItsRoom() {
        RoomKeys keys = new RoomKeys("team one");
        assertEquals("{room:team one}:members", keys.members());
        assertEquals("{room:team one}:tokens", keys.tokens());
        assertEquals("{room:team one}:seq", keys.seq());
        assertEquals("{room:team one}:departed", keys.departed());
        assertEquals("{room:team one}:events", keys.channel());
        assertEquals(java.util.List.of(keys.members(), keys.tokens(), keys.seq(), keys.departed()), keys.all());
        assertEquals("team one", RoomKeys.roomOf(keys.channel()));
        assertNull(RoomKeys.roomOf("{room:team one}:members"));
        assertNull(RoomKeys.roomOf("elsewhere"));
        assertEquals("{nodes}:rooms:a", RoomKeys.roomsOf("a"));
        assertEquals("{node:a@x1}:signals", RoomKeys.signalsOf("a@x1"));
        assertNull(RoomKeys.roomOf(RoomKeys.signalsOf("a@x1")));
    }
}
