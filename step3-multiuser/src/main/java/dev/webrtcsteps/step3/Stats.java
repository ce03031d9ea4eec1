package dev.webrtcsteps.step3;

import dev.webrtcsteps.common.protocol.ErrorCode;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The counters {@code GET /stats} reports besides users and rooms. Thread-safe. */
final class Stats {

    private final LongAdder relayed = new LongAdder();
    private final Map<ErrorCode, LongAdder> errors = new EnumMap<>(ErrorCode.class);
    private final LongAdder uncaught = new LongAdder();

    Stats() {
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

    /** An exception escaped a WebSocket handler: a bug in the server, whatever the client sent. */
    void countUncaught() {
        uncaught.increment();
    }

    long relayed() {
        return relayed.sum();
    }

    long uncaught() {
        return uncaught.sum();
    }

    Map<String, Long> errorsByCode() {
        Map<String, Long> byCode = new LinkedHashMap<>();
        errors.forEach((code, count) -> byCode.put(code.wireName(), count.sum()));
        return byCode;
    }
}
