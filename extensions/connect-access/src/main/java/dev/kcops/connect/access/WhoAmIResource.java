package dev.kcops.connect.access;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /kcops/whoami}: who the presented key is, as this worker's key store says (principal, key id, role per
 * team). `kcops login` checks a key with it and kcops records the answer as the audit actor, so the actor is the
 * authenticated principal, not a name the caller chose. The authentication filter has already accepted the key when
 * this runs; the authorization rule for this path is "any authenticated key".
 */
@Path("kcops/whoami")
public final class WhoAmIResource {
    private final KeyStore store;

    WhoAmIResource(KeyStore store) {
        this.store = store;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> whoami(@Context HttpHeaders headers) {
        String id = keyId(headers.getHeaderString(HttpHeaders.AUTHORIZATION));
        KeyStore.Key key = id == null ? null : store.current().keys().get(id);
        if (key == null) {
            // Only Connect's own signed worker-to-worker requests get here without a key.
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("principal", "connect-worker");
            out.put("roles", Map.of());
            return out;
        }
        return describe(key);
    }

    /** The answer for one key; also sent on every response as the {@code Kcops-Identity} header (IdentityHeader). */
    static Map<String, Object> describe(KeyStore.Key key) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, String> roles = new TreeMap<>();
        key.roles().forEach((team, role) -> roles.put(team, role.name().toLowerCase()));
        out.put("principal", key.principal());
        out.put("keyId", key.id());
        out.put("admin", key.isAdmin());
        out.put("roles", roles);
        return out;
    }

    private static String keyId(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) return null;
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon > 0 ? decoded.substring(0, colon) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
