package dev.webrtcsteps.step3;

import dev.webrtcsteps.common.protocol.ErrorCode;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The counters {@code GET /stats} reports besides users and rooms. Thread-safe. */
public final class Stats {

    private final LongAdder joined = new LongAdder();
    private final LongAdder relayed = new LongAdder();
    private final Map<ErrorCode, LongAdder> errors = new EnumMap<>(ErrorCode.class);
    private final LongAdder uncaught = new LongAdder();

    public Stats() {
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(code, new LongAdder());
        }
    }

    public void countJoined() {
        joined.increment();
    }

    public void countRelayed() {
        relayed.increment();
    }

    public void countError(ErrorCode code) {
        errors.get(code).increment();
    }

    /** An exception escaped a WebSocket handler: a bug in the server, whatever the client sent. */
    public void countUncaught() {
        uncaught.increment();
    }

    /** Newcomers admitted since the server started (not users who resumed). */
    public long joined() {
        return joined.sum();
    }

    public long relayed() {
        return relayed.sum();
    }

    public long uncaught() {
        return uncaught.sum();
    }

    public Map<String, Long> errorsByCode() {
        Map<String, Long> byCode = new LinkedHashMap<>();
        errors.forEach((code, count) -> byCode.put(code.wireName(), count.sum()));
        return byCode;
    }
}
