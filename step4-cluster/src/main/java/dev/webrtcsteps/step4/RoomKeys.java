package dev.webrtcsteps.step4;

import java.util.List;

/**
 * The Redis keys and channels of one room (see {@link RedisState}), and of the nodes. They share the hash tag {@code {room:NAME}}: on
 * a Redis Cluster a room lives on one shard, and one script can change all of it.
 */
record RoomKeys(String room) {

    private static final String CHANNEL_PREFIX = "{room:";
    private static final String CHANNEL_SUFFIX = "}:events";

    String members() {
        return tag() + ":members";
    }

    String tokens() {
        return tag() + ":tokens";
    }

    String seq() {
        return tag() + ":seq";
    }

    String departed() {
        return tag() + ":departed";
    }

    String channel() {
        return tag() + ":events";
    }

    /** What the join, leave and resume scripts change. */
    List<String> all() {
        return List.of(members(), tokens(), seq(), departed());
    }

    private String tag() {
        return CHANNEL_PREFIX + room + "}";
    }

    /** The room whose channel this is, or null. */
    static String roomOf(String channel) {
        if (!channel.startsWith(CHANNEL_PREFIX) || !channel.endsWith(CHANNEL_SUFFIX)) {
            return null;
        }
        return channel.substring(CHANNEL_PREFIX.length(), channel.length() - CHANNEL_SUFFIX.length());
    }

    /** The keys of the servers: their heartbeats, and how many users each holds. */
    static final String NODES_ALIVE = "{nodes}:alive";
    static final String USERS_PER_NODE = "{nodes}:users";

    /** The sharded channel of one node (an incarnation): signals for its users, from members on other nodes. */
    static String signalsOf(String node) {
        return "{node:" + node + "}:signals";
    }

    /** The rooms where one server has users. */
    static String roomsOf(String node) {
        return "{nodes}:rooms:" + node;
    }
}
