package dev.webrtcsteps.step4;

import dev.webrtcsteps.common.protocol.PeerInfo;
import dev.webrtcsteps.common.protocol.ServerMessage;
import dev.webrtcsteps.step3.Room;
import dev.webrtcsteps.step3.User;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One room as this server sees it: step 3's room of the members connected here, plus the members connected to
 * other servers, kept up to date from the room's channel. Presence stays incremental: a member here hears one
 * {@code peer-joined} or {@code peer-left} per change, wherever it happened. Guarded by its own lock, as in step 3.
 */
final class ClusterRoom extends Room {

    /** A member connected to another server. */
    record Elsewhere(PeerInfo info, String node) {
    }

    final RoomKeys keys;
    /** Done once this server receives the room's channel; nobody joins before. */
    final CompletableFuture<Void> subscribed;
    private final Map<String, Elsewhere> elsewhere = new LinkedHashMap<>();
    /** Ids being admitted here this moment: in Redis already, not yet in the room. */
    private final Set<String> arriving = new HashSet<>();
    /** The number of the last change seen; a jump means messages were missed. */
    private long seq;
    /** Changes that came while a snapshot was on its way, to apply after it; null when none is. */
    private List<RoomEvent> heldForSnapshot;
    /** Redis came back: the nodes are telling it again who they hold, and only a snapshot taken after that counts. */
    private boolean settling;

    ClusterRoom(String name, CompletableFuture<Void> subscribed) {
        super(name);
        this.keys = new RoomKeys(name);
        this.subscribed = subscribed;
        awaitSnapshot(); // the first joiner's script brings it; changes heard before wait for it
    }

    @Override
    protected List<PeerInfo> others(User member) {
        List<PeerInfo> others = new ArrayList<>(super.others(member));
        elsewhere.values().forEach(remote -> others.add(remote.info()));
        return others;
    }

    /** Whether nobody is here and nobody is arriving: the server may stop listening to this room. */
    boolean unused() {
        return size() == 0 && arriving.isEmpty();
    }

    void arriving(String id) {
        arriving.add(id);
    }

    void arrived(String id) {
        arriving.remove(id);
    }

    boolean isArriving(String id) {
        return arriving.contains(id);
    }

    Elsewhere elsewhere(String id) {
        return elsewhere.get(id);
    }

    /** Someone joined on another server (or moved between two others): the members here hear of it once. */
    void joinedElsewhere(String id, String node, String name) {
        Elsewhere before = elsewhere.put(id, new Elsewhere(new PeerInfo(id, name), node));
        if (before == null) {
            announce(new ServerMessage.PeerJoined(new PeerInfo(id, name)));
        }
    }

    void movedElsewhere(String id, String node) {
        Elsewhere before = elsewhere.get(id);
        if (before != null) {
            elsewhere.put(id, new Elsewhere(before.info(), node));
        }
    }

    void leftElsewhere(String id) {
        if (elsewhere.remove(id) != null) {
            announce(new ServerMessage.PeerLeft(id));
        }
    }

    /** A member here moved to another server: the others here see nothing. */
    void handOver(User member, String node) {
        removeQuietly(member);
        elsewhere.put(member.id(), new Elsewhere(member.info(), node));
    }

    /** A member from another server resumed here: the others here see nothing. */
    void takeOver(User member) {
        elsewhere.remove(member.id());
        addQuietly(member);
    }

    Set<String> idsElsewhere() {
        return Set.copyOf(elsewhere.keySet());
    }

    long seq() {
        return seq;
    }

    void seq(long latest) {
        seq = latest;
    }

    /**
     * Until {@link #settled}: changes apply as they come, whatever their numbers (Redis may have restarted them), and
     * only a forced snapshot takes anyone out of the view for not being in Redis.
     */
    void settle() {
        settling = true;
    }

    void settled() {
        settling = false;
    }

    boolean settling() {
        return settling;
    }

    boolean awaitsSnapshot() {
        return heldForSnapshot != null;
    }

    void awaitSnapshot() {
        if (heldForSnapshot == null) {
            heldForSnapshot = new ArrayList<>();
        }
    }

    /**
     * Keeps a change until the snapshot comes; false if too many wait: it is dropped, and the next change after
     * the snapshot shows a gap, which asks for another.
     */
    boolean hold(RoomEvent event, int max) {
        if (heldForSnapshot.size() >= max) {
            return false;
        }
        heldForSnapshot.add(event);
        return true;
    }

    List<RoomEvent> takeHeld() {
        List<RoomEvent> held = heldForSnapshot == null ? List.of() : heldForSnapshot;
        heldForSnapshot = null;
        return held;
    }

    /** Members here, for whoever needs to tell Redis about them again. */
    List<User> members() {
        return here();
    }
}
