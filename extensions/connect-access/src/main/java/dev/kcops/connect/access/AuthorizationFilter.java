package dev.kcops.connect.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.io.IOException;

/** Decides one request to one resource method; see {@link AuthorizationFeature.Rule}. */
final class AuthorizationFilter implements ContainerRequestFilter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeyStore store;
    private final AuthorizationFeature.Rule rule;
    private final String template;

    AuthorizationFilter(KeyStore store, AuthorizationFeature.Rule rule, String template) {
        this.store = store;
        this.rule = rule;
        this.template = template;
    }

    @Override
    public void filter(ContainerRequestContext rc) throws IOException {
        rc.setProperty(Requests.TEMPLATE, template);
        String connector = rc.getUriInfo().getPathParameters().getFirst("connector");
        if (rule == AuthorizationFeature.Rule.BODY_NAME_WRITE) connector = bodyName(rc);
        if (connector != null) rc.setProperty(Requests.CONNECTOR, connector);

        if (Boolean.TRUE.equals(rc.getProperty(Requests.INTERNAL))) {
            // Let through only to the internal endpoint it claimed to be for; Connect verifies its signature.
            if (rule == AuthorizationFeature.Rule.INTERNAL) {
                rc.setProperty(Requests.DECISION, "internal");
                return;
            }
            rc.abortWith(Requests.error(401, "Authentication required."));
            return;
        }
        KeyStore.Key key = (KeyStore.Key) rc.getProperty(Requests.KEY);
        if (key == null) { // cannot happen after AuthenticationFilter; fail closed all the same
            rc.abortWith(Requests.error(401, "Authentication required."));
            return;
        }
        KeyStore.Snapshot s = store.current();
        boolean allowed = switch (rule) {
            case ANY -> true;
            case LIST -> {
                if (!key.isAdmin()) rc.setProperty(Requests.FILTER_LIST, Boolean.TRUE);
                yield true;
            }
            case CONNECTOR_READ -> KeyStore.may(s, key, connector, Role.VIEWER);
            case CONNECTOR_WRITE, BODY_NAME_WRITE -> KeyStore.may(s, key, connector, Role.OPERATOR);
            case INTERNAL, ADMIN -> key.isAdmin();
        };
        if (allowed) {
            rc.setProperty(Requests.DECISION, "allowed");
            return;
        }
        rc.setProperty(Requests.DECISION, "denied");
        String what = connector == null ? rc.getMethod() + " " + template : "connector '" + connector + "'";
        String owner = connector == null ? null : KeyStore.ownerOf(s, connector);
        rc.abortWith(Requests.error(403, "API key " + key.id() + " (" + key.principal() + ") may not "
            + (rule == AuthorizationFeature.Rule.CONNECTOR_READ ? "read " : "change ") + what
            + (owner == null ? (connector == null ? ": admins only." : ": no team owns that name.")
                : ": it belongs to team '" + owner + "'.")));
    }

    /** The connector name a create or validate request is about: "name" at the top of the body or in "config". */
    private static String bodyName(ContainerRequestContext rc) {
        Object raw = rc.getProperty(Requests.BODY);
        if (!(raw instanceof byte[] body) || body.length == 0) return null;
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) return null;
            JsonNode name = n.get("name");
            if (name != null && name.isTextual()) return name.asText().trim();
            JsonNode inConfig = n.path("config").get("name");
            return inConfig != null && inConfig.isTextual() ? inConfig.asText().trim() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
