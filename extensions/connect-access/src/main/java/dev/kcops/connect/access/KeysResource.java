package dev.kcops.connect.access;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /kcops/keys}, for admins only (an unrecognised path, hence {@link AuthorizationFeature.Rule#ADMIN}): the
 * key store as the workers enforce it, teams with their prefixes and every key with its roles, creation, revocation
 * and last use — never a hash. `kcops access review` reads it, so a review run from CI needs the admin key, not the
 * workers' file system.
 */
@Path("kcops/keys")
public final class KeysResource {
    private final KeyStore store;
    private final KeyUsage usage;

    KeysResource(KeyStore store, KeyUsage usage) {
        this.store = store;
        this.usage = usage;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> keys() {
        KeyStore.Snapshot s = store.current();
        Map<String, Long> used = usage.lastUsed();
        Map<String, Object> teams = new TreeMap<>();
        s.teams().forEach((name, t) -> teams.put(name, Map.of("prefixes", t.prefixes())));
        List<Map<String, Object>> keys = new ArrayList<>();
        s.keys().values().stream().sorted(Comparator.comparing(KeyStore.Key::id)).forEach(k -> {
            Map<String, Object> out = new LinkedHashMap<>();
            Map<String, String> roles = new TreeMap<>();
            k.roles().forEach((team, role) -> roles.put(team, role.name().toLowerCase()));
            out.put("id", k.id());
            out.put("principal", k.principal());
            out.put("roles", roles);
            out.put("createdAt", k.createdAt());
            if (k.createdBy() != null) out.put("createdBy", k.createdBy());
            if (k.description() != null) out.put("description", k.description());
            out.put("revokedAt", k.revokedAt());
            Long last = used.get(k.id());
            out.put("lastUsedAt", last == null ? null : Instant.ofEpochMilli(last).toString());
            keys.add(out);
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("formatVersion", 1);
        body.put("usageResolutionSeconds", KeyUsage.PERSIST_INTERVAL_MS / 1000);
        body.put("teams", teams);
        body.put("keys", keys);
        return body;
    }
}
