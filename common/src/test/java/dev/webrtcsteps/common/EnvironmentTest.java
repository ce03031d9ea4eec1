package dev.webrtcsteps.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvironmentTest {

    @Test
    void unsetOrBlankIsTheFallback() {
        assertEquals(15, Environment.number(Map.of(), "X", 15, 100));
        assertEquals(15, Environment.number(Map.of("X", " "), "X", 15, 100));
    }

    @Test
    void aNumberFromOneToTheMaximumIsTaken() {
        assertEquals(1, Environment.number(Map.of("X", "1"), "X", 15, 100));
        assertEquals(100, Environment.number(Map.of("X", " 100 "), "X", 15, 100));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-3", "101", "abc", "1.5", "99999999999"})
    void anythingElseStopsTheServerWithOneLineSayingWhatItMustBe(String value) {
        var refused = assertThrows(IllegalArgumentException.class, () -> Environment.number(Map.of("X", value), "X", 15, 100));
        assertEquals("X must be a whole number from 1 to 100, but it is '" + value + "'.", refused.getMessage());
    }
}
