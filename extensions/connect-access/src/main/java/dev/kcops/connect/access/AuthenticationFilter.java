package dev.kcops.connect.access;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Runs before Jersey matches a resource, for every request: bounds the body, and authenticates HTTP Basic
 * {@code key id : secret}. The one exception is Connect's own worker-to-worker calls (task configs, zombie fencing),
 * which carry no user credentials but a request signature that Connect itself verifies; they are only let through
 * when they carry that signature header, and {@link AuthorizationFeature} checks again that they matched the
 * internal endpoint.
 */
@PreMatching
final class AuthenticationFilter implements ContainerRequestFilter {
    private static final Pattern INTERNAL_POST = Pattern.compile("/?connectors/[^/]+/tasks/?");
    private static final Pattern INTERNAL_PUT = Pattern.compile("/?connectors/[^/]+/fence/?");
    static final String SIGNATURE_HEADER = "X-Connect-Authorization";

    private final KeyStore store;
    private final FailureLimiter limiter;
    private final KeyUsage usage;
    private final long maxBody;

    AuthenticationFilter(KeyStore store, FailureLimiter limiter, KeyUsage usage, long maxBody) {
        this.store = store;
        this.limiter = limiter;
        this.usage = usage;
        this.maxBody = maxBody;
    }

    @Override
    public void filter(ContainerRequestContext rc) throws IOException {
        if (!bufferBody(rc)) return;
        String path = rc.getUriInfo().getPath();
        if (rc.getHeaderString(SIGNATURE_HEADER) != null
            && (("POST".equals(rc.getMethod()) && INTERNAL_POST.matcher(path).matches())
                || ("PUT".equals(rc.getMethod()) && INTERNAL_PUT.matcher(path).matches()))) {
            rc.setProperty(Requests.INTERNAL, Boolean.TRUE);
            return;
        }
        String header = rc.getHeaderString("Authorization");
        if (header == null) {
            rc.abortWith(Requests.error(401, "Authentication required: send an API key as HTTP Basic (key id:secret)."));
            return;
        }
        String[] idSecret = parseBasic(header);
        if (idSecret == null) {
            rc.abortWith(Requests.error(401, "Malformed Authorization header: expected Basic base64(key id:secret)."));
            return;
        }
        String id = idSecret[0];
        rc.setProperty(Requests.PRESENTED_ID, id);
        long wait = limiter.lockedFor(id);
        if (wait > 0) {
            rc.abortWith(jakarta.ws.rs.core.Response.fromResponse(
                Requests.error(429, "Too many failed authentications for this key id; retry in " + wait + " s."))
                .header("Retry-After", Long.toString(wait)).build());
            return;
        }
        KeyStore.Key key = store.authenticate(id, idSecret[1]);
        if (key == null) {
            limiter.failed(id);
            rc.abortWith(Requests.error(401, "Unknown, revoked or wrong API key."));
            return;
        }
        usage.used(key.id());
        rc.setProperty(Requests.KEY, key);
    }

    /** Reads the body once, up to the limit, so that it can be inspected and still reach Connect. */
    private boolean bufferBody(ContainerRequestContext rc) throws IOException {
        int declared = rc.getLength();
        if (declared > maxBody) {
            rc.abortWith(Requests.error(413, "Request body larger than " + maxBody + " bytes."));
            return false;
        }
        if (!rc.hasEntity()) return true;
        InputStream in = rc.getEntityStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        long total = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            total += n;
            if (total > maxBody) {
                rc.abortWith(Requests.error(413, "Request body larger than " + maxBody + " bytes."));
                return false;
            }
            out.write(buf, 0, n);
        }
        byte[] body = out.toByteArray();
        rc.setProperty(Requests.BODY, body);
        rc.setEntityStream(new ByteArrayInputStream(body));
        return true;
    }

    /** {id, secret} from "Basic base64(id:secret)", or null when the header is anything else. */
    static String[] parseBasic(String header) {
        String h = header.trim();
        int space = h.indexOf(' ');
        if (space <= 0 || !h.substring(0, space).equalsIgnoreCase("Basic")) return null;
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(h.substring(space + 1).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0 || colon == decoded.length() - 1) return null;
        String id = decoded.substring(0, colon);
        if (id.length() > 200 || id.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) return null;
        return new String[] {id, decoded.substring(colon + 1)};
    }
}
