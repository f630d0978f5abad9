package dev.kcops.connect.access;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed authentications per key id; a key id that reaches the limit within the window is locked for a whole
 * window from that moment: every attempt with it (a right secret included) gets 429, so guessing a secret costs a
 * window per few tries. Counted per key id rather than per client address: behind a proxy or on one CI host every
 * client shares an address.
 */
final class FailureLimiter {
    private record Window(long startMillis, int failures, long lockedUntilMillis) { }

    private final int limit;
    private final long windowMillis;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    FailureLimiter(int limit, int windowSeconds) {
        this.limit = limit;
        this.windowMillis = windowSeconds * 1000L;
    }

    /** Seconds until the key id may try again, or 0 when it is not locked. */
    long lockedFor(String keyId) {
        Window w = windows.get(keyId);
        if (w == null) return 0;
        long left = w.lockedUntilMillis() - System.currentTimeMillis();
        return left > 0 ? (left + 999) / 1000 : 0;
    }

    void failed(String keyId) {
        long now = System.currentTimeMillis();
        if (windows.size() > 10_000)
            windows.values().removeIf(w -> w.startMillis() + windowMillis < now && w.lockedUntilMillis() < now);
        windows.compute(keyId, (k, w) -> {
            Window next = w == null || (w.startMillis() + windowMillis < now && w.lockedUntilMillis() < now)
                ? new Window(now, 1, 0)
                : new Window(w.startMillis(), w.failures() + 1, w.lockedUntilMillis());
            return next.failures() >= limit && next.lockedUntilMillis() < now
                ? new Window(next.startMillis(), next.failures(), now + windowMillis)
                : next;
        });
    }
}
