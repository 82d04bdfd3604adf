package dev.bulwark.session;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits guessing of cancel keys. Protocol 3.0 gives a cancel key 32 secret bits; a CancelRequest
 * costs a client one packet, so unbounded wrong guesses (thousands a second) would find a live
 * session's key. Per source address, at most {@link #MAX_FAILURES} wrong keys are accepted per
 * {@link #WINDOW_NANOS}; beyond that every cancel from that address is dropped unanswered until the
 * window passes. Failures are logged (the first few per window, then once when the limit trips), never
 * with the key. Thread-safe: cancels arrive on every event loop.
 */
final class CancelGuard {
    private static final Logger log = LoggerFactory.getLogger(CancelGuard.class);
    static final int MAX_FAILURES = 10;
    static final long WINDOW_NANOS = 60_000_000_000L;
    private static final int MAX_TRACKED = 10_000;

    private static final class Window {
        long start;
        int failures;
        boolean reported;

        Window(long start) {
            this.start = start;
        }
    }

    private final Map<InetAddress, Window> windows = new ConcurrentHashMap<>();

    /** False when this source has used up its wrong guesses: its cancel is dropped unanswered. */
    boolean allowed(InetAddress source) {
        Window window = windows.get(source);
        if (window == null) {
            return true;
        }
        synchronized (window) {
            long now = System.nanoTime();
            if (now - window.start > WINDOW_NANOS) {
                window.start = now;
                window.failures = 0;
                window.reported = false;
                return true;
            }
            return window.failures < MAX_FAILURES;
        }
    }

    /** A cancel from {@code source} named no live session's key. */
    void failed(InetAddress source) {
        long now = System.nanoTime();
        if (windows.size() >= MAX_TRACKED) {
            sweep(now);
        }
        Window window = windows.computeIfAbsent(source, s -> new Window(now));
        synchronized (window) {
            if (now - window.start > WINDOW_NANOS) {
                window.start = now;
                window.failures = 0;
                window.reported = false;
            }
            window.failures++;
            if (window.failures <= 3) {
                log.warn("cancel request from {} names no live session (wrong key)", source.getHostAddress());
            } else if (window.failures >= MAX_FAILURES && !window.reported) {
                window.reported = true;
                log.warn("cancel requests from {}: {} wrong keys within {} s; further cancels from it are dropped"
                        + " until the window passes", source.getHostAddress(), window.failures, WINDOW_NANOS / 1_000_000_000L);
            }
        }
    }

    int failures(InetAddress source) {
        Window window = windows.get(source);
        return window == null ? 0 : window.failures;
    }

    private void sweep(long now) {
        for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
            Window w = it.next();
            if (now - w.start > WINDOW_NANOS) {
                it.remove();
            }
        }
    }
}
