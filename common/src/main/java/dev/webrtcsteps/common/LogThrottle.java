package dev.webrtcsteps.common;

import org.slf4j.Logger;

/**
 * At most so many lines a minute of one kind: what a client can make the server log, it can make the server log
 * a million times. The lines over the limit are counted, and the next line written says how many there were.
 */
public final class LogThrottle {

    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final Logger log;
    private final int linesPerMinute;
    private long minuteStart = System.nanoTime();
    private int written;
    private long skipped;

    public LogThrottle(Logger log, int linesPerMinute) {
        this.log = log;
        this.linesPerMinute = linesPerMinute;
    }

    /** Logs the line at INFO, unless this minute's lines are written already. */
    public void info(String format, Object... arguments) {
        String skippedNote = admit();
        if (skippedNote != null) {
            log.info(format + skippedNote, arguments);
        }
    }

    /** Logs the line at WARN, unless this minute's lines are written already. */
    public void warn(String format, Object... arguments) {
        String skippedNote = admit();
        if (skippedNote != null) {
            log.warn(format + skippedNote, arguments);
        }
    }

    /** Null if the line is to be skipped; else what to add to it about lines skipped before it. */
    private synchronized String admit() {
        long now = System.nanoTime();
        if (now - minuteStart >= MINUTE_NANOS) {
            minuteStart = now;
            written = 0;
        }
        if (written >= linesPerMinute) {
            skipped++;
            return null;
        }
        written++;
        String note = skipped == 0 ? "" : " (and " + skipped + " more like it before, not logged)";
        skipped = 0;
        return note;
    }
}
