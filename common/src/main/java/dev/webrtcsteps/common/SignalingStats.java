package dev.webrtcsteps.common;

import dev.webrtcsteps.common.protocol.ErrorCode;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What {@code GET /stats} reports, besides the step's own counts of users and rooms. */
public final class SignalingStats {

    private final LongAdder relayed = new LongAdder();
    private final Map<ErrorCode, LongAdder> errors = new EnumMap<>(ErrorCode.class);
    private final AtomicLong uncaught = new AtomicLong();
    private final LongAdder refusedOrigins = new LongAdder();

    public SignalingStats() {
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(code, new LongAdder());
        }
    }

    void countRelayed() {
        relayed.increment();
    }

    void countError(ErrorCode code) {
        errors.get(code).increment();
    }

    void countRefusedOrigin() {
        refusedOrigins.increment();
    }

    /** WebSocket upgrades refused because the page came from an origin that is not allowed. */
    public long refusedOrigins() {
        return refusedOrigins.sum();
    }

    void countUncaught() {
        uncaught.incrementAndGet();
    }

    public long relayed() {
        return relayed.sum();
    }

    public long errors(ErrorCode code) {
        return errors.get(code).sum();
    }

    /** Exceptions that escaped a WebSocket handler: a bug in the server, whatever the client sent. */
    public long uncaught() {
        return uncaught.get();
    }

    Map<String, Long> errorsByCode() {
        Map<String, Long> byCode = new LinkedHashMap<>();
        errors.forEach((code, count) -> byCode.put(code.wireName(), count.sum()));
        return byCode;
    }
}
