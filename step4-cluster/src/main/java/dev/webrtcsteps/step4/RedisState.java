package dev.webrtcsteps.step4;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The cluster's shared state in Redis, and the messages between its servers. Everything a change needs is done by
 * one Lua script, atomically, so two servers that admit at once cannot both take the last place.
 *
 * <p>Layout. A room's keys and its channel share the hash tag {@code {room:NAME}}, so that on a Redis Cluster they
 * live on one shard and a script can touch them all: {@code {room:NAME}:members} (id → node, resume token, name),
 * {@code {room:NAME}:tokens} (resume token → id), {@code {room:NAME}:seq} (the number of the room's latest change),
 * {@code {room:NAME}:departed} (resume tokens of the users of a server that died, for the grace period), and the
 * sharded channel {@code {room:NAME}:events}, on which every change is published with its number. Each node has a
 * sharded channel of its own, {@code {node:NODE}:signals}, for signals to its users from other nodes. The servers themselves are under {@code {nodes}}: {@code {nodes}:alive} (node → time of
 * its last heartbeat), {@code {nodes}:users} (node → how many users it holds: what the cluster-wide user limit counts) and
 * {@code {nodes}:rooms:NODE} (the rooms where it has users: where to clean up when it dies).
 */
final class RedisState implements AutoCloseable {

    /** How long a Redis command may take before the server gives up on it (and on Redis, for the moment). */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration RECONNECT_AT_MOST = Duration.ofSeconds(2);
    /**
     * Commands waiting for Redis, at most: beyond, they fail at once. The bytes of signals waiting are bounded
     * apart ({@link ClusterHub}); other commands are small.
     */
    private static final int MAX_QUEUED_COMMANDS = 10_000;

    enum Script {
        JOIN("join"), LEAVE("leave"), RESUME("resume"), SNAPSHOT("snapshot"), RESTORE("restore"), RESERVE("reserve"),
        RECOUNT("recount"), HEARTBEAT("heartbeat"), EVICT("evict"), FORGET_NODE("forget-node");

        final String source;
        final String sha;

        Script(String file) {
            source = resource("prelude.lua") + "\n" + resource(file + ".lua");
            sha = sha1(source);
        }
    }

    private final AutoCloseable client;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> events;
    private final AutoCloseable[] connections;

    private RedisState(AutoCloseable client, RedisClusterAsyncCommands<String, String> commands,
            StatefulRedisPubSubConnection<String, String> events, AutoCloseable... connections) {
        this.client = client;
        this.commands = commands;
        this.events = events;
        this.connections = connections;
    }

    /**
     * Connects to the Redis of {@code redisUrls} (comma separated; several only for a Redis Cluster's seed nodes)
     * and hands every message of a room channel to {@code onEvent(channel, message)}. A Redis Cluster is recognised
     * by asking the first server.
     */
    static RedisState connect(String redisUrls, BiConsumer<String, String> onEvent) {
        List<RedisURI> uris = Arrays.stream(redisUrls.split(",")).map(String::trim).filter(url -> !url.isEmpty())
                .map(RedisState::uri).toList();
        if (uris.isEmpty()) {
            throw new IllegalArgumentException("REDIS_URL is empty; give one, e.g. redis://127.0.0.1:6379");
        }
        RedisPubSubAdapter<String, String> listener = new RedisPubSubAdapter<>() {
            @Override
            public void smessage(String channel, String message) {
                onEvent.accept(channel, message);
            }
        };
        // Lettuce reconnects by itself; after Redis comes back, within 2 s (its default waits up to 30 s).
        ClientResources resources = ClientResources.builder()
                .reconnectDelay(Delay.equalJitter(Duration.ofMillis(100), RECONNECT_AT_MOST, 2, TimeUnit.MILLISECONDS)).build();
        if (isCluster(uris.get(0))) {
            RedisClusterClient client = RedisClusterClient.create(resources, uris);
            client.setOptions(ClusterClientOptions.builder(options()).build());
            var connection = client.connect();
            var pubSub = client.connectPubSub();
            pubSub.setNodeMessagePropagation(true);
            pubSub.addListener(listener);
            return new RedisState(() -> shutdown(client, resources), connection.async(), pubSub, pubSub, connection);
        }
        RedisClient client = RedisClient.create(resources, uris.get(0));
        client.setOptions(options());
        var connection = client.connect();
        var pubSub = client.connectPubSub();
        pubSub.addListener(listener);
        return new RedisState(() -> shutdown(client, resources), connection.async(), pubSub, pubSub, connection);
    }

    private static void shutdown(io.lettuce.core.AbstractRedisClient client, ClientResources resources) {
        client.shutdown();
        resources.shutdown();
    }

    private static RedisURI uri(String url) {
        try {
            RedisURI uri = RedisURI.create(url);
            uri.setTimeout(COMMAND_TIMEOUT);
            return uri;
        } catch (IllegalArgumentException notAUrl) {
            throw new IllegalArgumentException("REDIS_URL must be a Redis URL such as redis://127.0.0.1:6379, not '"
                    + url + "'.");
        }
    }

    /**
     * While Redis is unreachable commands wait for it (Lettuce reconnects by itself; on a Redis Cluster it also
     * connects to each shard on first use), in a bounded queue, and fail after the timeout.
     */
    private static ClientOptions options() {
        return ClientOptions.builder()
                .requestQueueSize(MAX_QUEUED_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(COMMAND_TIMEOUT).build())
                .build();
    }

    private static boolean isCluster(RedisURI uri) {
        ClientResources resources = ClientResources.create();
        RedisClient probe = RedisClient.create(resources, uri);
        try (var connection = probe.connect()) {
            return connection.sync().info("cluster").contains("cluster_enabled:1");
        } catch (RedisException refused) {
            throw new IllegalArgumentException("Cannot use Redis at " + uri.getHost() + ":" + uri.getPort() + " ("
                    + rootCause(refused).getMessage() + "). Is it running, and are REDIS_URL's password and database "
                    + "right? Or leave REDIS_URL unset to run one server alone.");
        } finally {
            probe.shutdown();
            resources.shutdown();
        }
    }

    /**
     * Runs a script on the shard of its first key. It is sent by its digest; a Redis that does not know it yet (it
     * started since, or it is another shard) gets the source once.
     */
    CompletableFuture<List<Object>> run(Script script, List<String> keys, List<String> args) {
        return run(script, ScriptOutputType.MULTI, keys, args);
    }

    /** As {@link #run}, for scripts that answer with one number. */
    CompletableFuture<Long> runForNumber(Script script, List<String> keys, List<String> args) {
        return run(script, ScriptOutputType.INTEGER, keys, args);
    }

    private <T> CompletableFuture<T> run(Script script, ScriptOutputType answer, List<String> keys, List<String> args) {
        String[] keyArray = keys.toArray(String[]::new);
        String[] argArray = args.toArray(String[]::new);
        CompletionStage<T> bySha = commands.<T>evalsha(script.sha, answer, keyArray, argArray);
        return bySha.toCompletableFuture().exceptionallyCompose(failure -> {
            if (rootCause(failure) instanceof RedisNoScriptException) {
                return commands.<T>eval(script.source, answer, keyArray, argArray).toCompletableFuture();
            }
            return CompletableFuture.failedFuture(failure);
        });
    }

    CompletableFuture<Long> publish(String channel, String message) {
        return commands.spublish(channel, message).toCompletableFuture();
    }

    CompletableFuture<Void> subscribe(String channel) {
        return events.async().ssubscribe(channel).toCompletableFuture();
    }

    CompletableFuture<Void> unsubscribe(String channel) {
        return events.async().sunsubscribe(channel).toCompletableFuture();
    }

    CompletableFuture<Set<String>> setMembers(String key) {
        return commands.smembers(key).toCompletableFuture();
    }

    CompletableFuture<Long> removeFromSet(String key, String member) {
        return commands.srem(key, member).toCompletableFuture();
    }

    CompletableFuture<Long> addToHashField(String key, String field, long delta) {
        return commands.hincrby(key, field, delta).toCompletableFuture();
    }

    /** A round trip to Redis, for the metrics. */
    CompletableFuture<String> ping() {
        return commands.ping().toCompletableFuture();
    }

    static Throwable rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The strings of a script's list answer. */
    static List<String> strings(List<Object> answer) {
        List<String> strings = new ArrayList<>(answer.size());
        for (Object item : answer) {
            strings.add(item instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(item));
        }
        return strings;
    }

    @Override
    public void close() {
        for (AutoCloseable connection : connections) {
            closeQuietly(connection);
        }
        closeQuietly(client);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // shutting down
        }
    }

    private static String resource(String name) {
        try (InputStream in = RedisState.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    private static String sha1(String source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
