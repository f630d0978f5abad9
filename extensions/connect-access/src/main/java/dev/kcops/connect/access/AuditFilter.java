package dev.kcops.connect.access;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * After every request (also those a filter refused): filters `GET /connectors` to what the key may read, and records
 * every mutating request and every refusal in the audit file.
 */
final class AuditFilter implements ContainerResponseFilter {
    private final KeyStore store;
    private final AuditLog audit;

    AuditFilter(KeyStore store, AuditLog audit) {
        this.store = store;
        this.audit = audit;
    }

    @Override
    public void filter(ContainerRequestContext rc, ContainerResponseContext res) {
        KeyStore.Key key = (KeyStore.Key) rc.getProperty(Requests.KEY);
        if (Boolean.TRUE.equals(rc.getProperty(Requests.FILTER_LIST)) && key != null && res.getStatus() == 200)
            res.setEntity(visible(res.getEntity(), key), res.getEntityAnnotations(), res.getMediaType());

        String method = rc.getMethod();
        boolean mutating = !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"));
        int status = res.getStatus();
        boolean refused = status == 401 || status == 403 || status == 413 || status == 429;
        if (!mutating && !refused) return;
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("principal", key != null ? key.principal() : null);
        rec.put("keyId", key != null ? key.id() : rc.getProperty(Requests.PRESENTED_ID));
        rec.put("method", method);
        rec.put("path", "/" + rc.getUriInfo().getPath(false));
        rec.put("endpoint", rc.getProperty(Requests.TEMPLATE));
        rec.put("connector", rc.getProperty(Requests.CONNECTOR));
        rec.put("status", status);
        rec.put("result", status == 401 ? "unauthenticated" : status == 403 ? "denied" : status == 429 ? "locked-out"
            : status == 413 ? "too-large" : status < 400 ? "ok" : "failed");
        rec.put("internal", Boolean.TRUE.equals(rc.getProperty(Requests.INTERNAL)));
        // Connect adds ?forward= when it relays a request to the leader (or to a task's worker): the same operation
        // is then recorded by both workers, and readers keep the record without this flag.
        rec.put("forwarded", rc.getUriInfo().getQueryParameters().containsKey("forward"));
        audit.append(rec);
    }

    /** The list response (names, or name -> expansion with ?expand=) restricted to readable connectors. */
    private Object visible(Object entity, KeyStore.Key key) {
        KeyStore.Snapshot s = store.current();
        if (entity instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (k instanceof String name && KeyStore.may(s, key, name, Role.VIEWER)) out.put(k, v);
            });
            return out;
        }
        if (entity instanceof Collection<?> names) {
            List<Object> out = new ArrayList<>();
            for (Object n : names) if (n instanceof String name && KeyStore.may(s, key, name, Role.VIEWER)) out.add(n);
            return out;
        }
        // An unknown shape is never passed through unfiltered.
        return List.of();
    }
}
