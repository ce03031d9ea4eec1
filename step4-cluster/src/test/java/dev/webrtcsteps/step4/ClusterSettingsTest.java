package dev.webrtcsteps.step4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {

    @Test
    void withoutRedisUrlTheNodeRunsAloneUnderARandomName() {
        ClusterSettings alone = ClusterSettings.fromEnvironment(Map.of());
        assertNull(alone.redisUrl());
        assertEquals(8, alone.node().length());
        assertNotEquals(alone.node(), ClusterSettings.fromEnvironment(Map.of()).node());
        assertEquals(Duration.ofSeconds(5), alone.nodeTimeout());
        assertEquals(Duration.ofSeconds(1), alone.heartbeat());
        assertNull(ClusterSettings.fromEnvironment(Map.of("REDIS_URL", "  ")).redisUrl());
    }

    @Test
    void readsRedisUrlNodeIdAndTimeout() {
        ClusterSettings node = ClusterSettings.fromEnvironment(Map.of("REDIS_URL", " redis://127.0.0.1:6379 ",
                "NODE_ID", "node-a.1_x", "NODE_TIMEOUT_SECONDS", "9"));
        assertEquals("redis://127.0.0.1:6379", node.redisUrl());
        assertEquals("node-a.1_x", node.node());
        assertEquals(Duration.ofSeconds(9), node.nodeTimeout());
    }

    @Test
    void aNodeIdThatCouldBreakKeysOrLogsIsRefused() {
        for (String bad : new String[] {"a b", "a\tb", "{x}", "a".repeat(65)}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> ClusterSettings.fromEnvironment(Map.of("NODE_ID", bad)));
            assertTrue(refused.getMessage().contains("NODE_ID"), refused.getMessage());
        }
        assertEquals("a".repeat(64), ClusterSettings.fromEnvironment(Map.of("NODE_ID", "a".repeat(64))).node());
    }
}
