package dev.kcops.connect.access;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Appends one JSON line per audited request to this worker's audit file (kcops reads it in `history`/`audit`). */
final class AuditLog {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final String worker;

    AuditLog(Path file, String worker) {
        this.file = file;
        this.worker = worker;
    }

    synchronized void append(Map<String, Object> fields) {
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("time", Instant.now().toString());
        rec.put("worker", worker);
        rec.putAll(fields);
        try {
            byte[] line = (JSON.writeValueAsString(rec) + "\n").getBytes(StandardCharsets.UTF_8);
            Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            // The request already happened; losing its record must be loud.
            log.error("kcops access: could not append to the audit file {}: {}", file, e.toString());
        }
    }
}
