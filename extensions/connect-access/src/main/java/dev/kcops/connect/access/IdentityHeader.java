package dev.kcops.connect.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Adds {@code Kcops-Identity} to every response to an authenticated key: base64url of the JSON that
 * {@code GET /kcops/whoami} would answer for it (principal, key id, admin, role per team). A client learns who it is
 * from the first answer it gets, so kcops records the audit actor and checks ownership without a request of its own
 * (an apply of 50 connectors is then 50 changes plus the status listings). It tells the caller nothing whoami would
 * not: only what the caller's own key is.
 */
final class IdentityHeader implements ContainerResponseFilter {
    static final String NAME = "Kcops-Identity";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void filter(ContainerRequestContext rc, ContainerResponseContext res) {
        if (!(rc.getProperty(Requests.KEY) instanceof KeyStore.Key key)) return;
        try {
            byte[] json = JSON.writeValueAsBytes(WhoAmIResource.describe(key));
            res.getHeaders().putSingle(NAME, Base64.getUrlEncoder().withoutPadding().encodeToString(json));
        } catch (JsonProcessingException e) {
            // A map of strings always serialises; without the header clients fall back to GET /kcops/whoami.
        }
    }
}
