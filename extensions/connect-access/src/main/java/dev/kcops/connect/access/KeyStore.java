package dev.kcops.connect.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.spec.InvalidKeySpecException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API keys and teams, read from the JSON file kcops writes (`kcops access keys ...`, `kcops dev up`). Secrets are
 * stored only as PBKDF2 hashes. The file is checked for changes at most once a second on request, so a rotation or a
 * revocation written on one machine applies on every worker reading the file within about a second. A file that
 * cannot be read or parsed leaves the last good version in force (logged at ERROR): writers replace it atomically.
 */
final class KeyStore {
    private static final Logger log = LoggerFactory.getLogger(KeyStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;

    record Team(String name, List<String> prefixes) { }

    /** createdAt, createdBy, description and revokedAt are only shown to admins (`GET /kcops/keys`, the access review). */
    record Key(String id, String principal, String hash, Map<String, Role> roles, boolean revoked,
               String createdAt, String createdBy, String description, String revokedAt) {
        boolean isAdmin() {
            return roles.get("*") == Role.ADMIN;
        }
    }

    record Snapshot(Map<String, Key> keys, Map<String, Team> teams, long version) { }

    private final Path file;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), 0);
    private volatile long lastCheck = 0;
    private volatile String lastStamp = "";
    /** keyId -> SHA-256 of a secret that passed PBKDF2 for this snapshot version; spares the slow hash per request. */
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();

    KeyStore(Path file) {
        this.file = file;
        refresh(true);
    }

    Snapshot current() {
        refresh(false);
        return snapshot;
    }

    private void refresh(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastCheck < CHECK_INTERVAL_NANOS) return;
        synchronized (this) {
            if (!force && now - lastCheck < CHECK_INTERVAL_NANOS) return;
            lastCheck = now;
            String stamp;
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                stamp = a.lastModifiedTime().toMillis() + ":" + a.size() + ":" + a.fileKey();
            } catch (IOException e) {
                if (!"missing".equals(lastStamp)) log.error("kcops access: cannot read the key file {}: {}", file, e.toString());
                lastStamp = "missing";
                return;
            }
            if (stamp.equals(lastStamp)) return;
            try {
                Snapshot next = parse(Files.readAllBytes(file), snapshot.version() + 1);
                snapshot = next;
                verified.clear();
                lastStamp = stamp;
                log.info("kcops access: loaded {} keys and {} teams from {}", next.keys().size(), next.teams().size(), file);
            } catch (IOException | RuntimeException e) {
                log.error("kcops access: the key file {} is invalid; keeping the previous version: {}", file, e.toString());
                lastStamp = stamp;
            }
        }
    }

    static Snapshot parse(byte[] bytes, long version) throws IOException {
        JsonNode root = JSON.readTree(bytes);
        if (root == null || root.path("formatVersion").asInt() != 1) throw new IOException("formatVersion must be 1");
        Map<String, Team> teams = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("teams").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            List<String> prefixes = new ArrayList<>();
            for (JsonNode p : e.getValue().path("prefixes")) {
                if (!p.asText().isEmpty()) prefixes.add(p.asText());
            }
            teams.put(e.getKey(), new Team(e.getKey(), Collections.unmodifiableList(prefixes)));
        }
        Map<String, Key> keys = new HashMap<>();
        for (JsonNode k : root.path("keys")) {
            Map<String, Role> roles = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = k.path("roles").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                Role r = Role.parse(e.getValue().asText());
                if (r != null) roles.put(e.getKey(), r);
            }
            String id = k.path("id").asText();
            if (id.isEmpty()) continue;
            boolean revoked = k.hasNonNull("revokedAt");
            keys.put(id, new Key(id, k.path("principal").asText(id), k.path("hash").asText(), Map.copyOf(roles), revoked,
                text(k, "createdAt"), text(k, "createdBy"), text(k, "description"), text(k, "revokedAt")));
        }
        return new Snapshot(Map.copyOf(keys), Map.copyOf(teams), version);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** The key whose id and secret match, or null. Revoked keys never match. */
    Key authenticate(String id, String secret) {
        Snapshot s = current();
        Key k = s.keys().get(id);
        if (k == null || k.revoked()) return null;
        byte[] digest = sha256(secret);
        byte[] known = verified.get(id);
        if (known != null && MessageDigest.isEqual(known, digest)) return k;
        if (!verifyHash(k.hash(), secret)) return null;
        // Only cache against the snapshot it was checked with: a reload in between clears the cache.
        if (snapshot == s) verified.put(id, digest);
        return k;
    }

    /** `pbkdf2-sha512$<iterations>$<salt b64>$<hash b64>`, the format src/core/access/hash.ts writes. */
    static boolean verifyHash(String stored, String secret) {
        String[] parts = stored.split("\\$");
        if (parts.length != 4) return false;
        String algorithm = switch (parts[0]) {
            case "pbkdf2-sha512" -> "PBKDF2WithHmacSHA512";
            case "pbkdf2-sha256" -> "PBKDF2WithHmacSHA256";
            default -> null;
        };
        if (algorithm == null) return false;
        try {
            int iterations = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            if (iterations < 10_000 || expected.length < 16) return false;
            PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, expected.length * 8);
            byte[] actual = SecretKeyFactory.getInstance(algorithm).generateSecret(spec).getEncoded();
            spec.clearPassword();
            return MessageDigest.isEqual(expected, actual);
        } catch (IllegalArgumentException | NoSuchAlgorithmException | InvalidKeySpecException e) {
            return false;
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The team owning a connector name: the one with the longest matching prefix (null when none does). */
    static String ownerOf(Snapshot s, String connector) {
        String best = null;
        int bestLen = -1;
        for (Team t : s.teams().values()) {
            for (String p : t.prefixes()) {
                if (connector.startsWith(p) && p.length() > bestLen) {
                    best = t.name();
                    bestLen = p.length();
                }
            }
        }
        return best;
    }

    /** Whether the key holds at least `needed` on the team owning `connector` (admins hold everything). */
    static boolean may(Snapshot s, Key k, String connector, Role needed) {
        if (k.isAdmin()) return true;
        if (connector == null) return false;
        String team = ownerOf(s, connector);
        if (team == null) return false;
        Role r = k.roles().get(team);
        return r != null && r.atLeast(needed);
    }

    Path file() {
        return Objects.requireNonNull(file);
    }
}
