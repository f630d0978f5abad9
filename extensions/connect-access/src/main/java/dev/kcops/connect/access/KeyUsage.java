package dev.kcops.connect.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When each API key was last used (the access review's "unused keys"). A request only updates a map in memory; this
 * worker's file (`<usage dir>/<worker>.json`) is rewritten, off the request thread, at most once a minute per key,
 * so a busy key costs one write a minute and an idle cluster none. Every worker writes its own file, so workers that
 * share the key file's directory never race on one file; {@link #lastUsed()} merges them all with this worker's
 * memory. Precision is therefore "to the minute", which is what a review of unused keys needs.
 */
final class KeyUsage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KeyUsage.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final long PERSIST_INTERVAL_MS = 60_000;

    private final Path dir;
    private final Path file;
    private final Map<String, Long> lastUsed = new ConcurrentHashMap<>();
    /** When each key's use was last handed to the writer; the once-a-minute bound. */
    private final Map<String, Long> persisted = new ConcurrentHashMap<>();
    private final AtomicBoolean flushQueued = new AtomicBoolean(false);
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "kcops-access-key-usage");
        t.setDaemon(true);
        return t;
    });

    KeyUsage(Path dir, String worker) {
        this.dir = dir;
        this.file = dir.resolve(worker.replaceAll("[^A-Za-z0-9._-]", "_") + ".json");
        // What this worker wrote before a restart stays known, and is kept by the next write.
        lastUsed.putAll(read(file));
    }

    void used(String keyId) {
        long now = System.currentTimeMillis();
        lastUsed.put(keyId, now);
        Long last = persisted.get(keyId);
        if (last != null && now - last < PERSIST_INTERVAL_MS) return;
        persisted.put(keyId, now);
        if (flushQueued.compareAndSet(false, true)) writer.execute(this::flush);
    }

    /** keyId -> last use (epoch ms), the latest any worker sharing the directory recorded. */
    Map<String, Long> lastUsed() {
        Map<String, Long> all = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) read(f).forEach((k, v) -> all.merge(k, v, Math::max));
        } catch (IOException e) {
            // No directory yet: nothing was ever written.
        }
        lastUsed.forEach((k, v) -> all.merge(k, v, Math::max));
        return all;
    }

    private void flush() {
        flushQueued.set(false);
        Map<String, Object> doc = new LinkedHashMap<>();
        Map<String, String> keys = new TreeMap<>();
        lastUsed.forEach((k, v) -> keys.put(k, Instant.ofEpochMilli(v).toString()));
        doc.put("formatVersion", 1);
        doc.put("lastUsed", keys);
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
            Files.write(tmp, JSON.writeValueAsBytes(doc));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("kcops access: could not record key usage in {}: {}", file, e.toString());
        }
    }

    private static Map<String, Long> read(Path f) {
        Map<String, Long> out = new HashMap<>();
        try {
            JsonNode root = JSON.readTree(Files.readAllBytes(f));
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("lastUsed").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                try {
                    out.put(e.getKey(), Instant.parse(e.getValue().asText()).toEpochMilli());
                } catch (RuntimeException bad) {
                    // One unreadable entry does not hide the others.
                }
            }
        } catch (IOException | RuntimeException e) {
            // Missing or half-written by an old version: treated as no record.
        }
        return out;
    }

    @Override
    public void close() {
        if (!lastUsed.isEmpty()) flush();
        writer.shutdown();
    }
}
