package dev.kcops.connect.access;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds an {@link AuthorizationFilter} to every resource method Connect exposes, with the rule for that method decided
 * once from its path template and HTTP method. Rules follow from the matched template and the decoded path parameter,
 * never from the raw URL, so encoded slashes or dots, trailing slashes, matrix parameters and method-override headers
 * cannot make a request look like another endpoint. Anything not recognised is for admins only.
 */
final class AuthorizationFeature implements DynamicFeature {
    private static final Logger log = LoggerFactory.getLogger(AuthorizationFeature.class);

    enum Rule {
        /** Any authenticated key. */
        ANY,
        /** Any authenticated key; the response is filtered to the connectors the key may read. */
        LIST,
        /** Viewer on the team owning the {connector} path parameter. */
        CONNECTOR_READ,
        /** Operator on the team owning the {connector} path parameter. */
        CONNECTOR_WRITE,
        /** Operator on the team owning the "name" in the JSON body. */
        BODY_NAME_WRITE,
        /** Connect's signed worker-to-worker calls; admins may call them too. */
        INTERNAL,
        /** Global admins only. */
        ADMIN
    }

    private final KeyStore store;

    AuthorizationFeature(KeyStore store) {
        this.store = store;
    }

    @Override
    public void configure(ResourceInfo info, FeatureContext context) {
        Method m = info.getResourceMethod();
        String method = httpMethod(m);
        if (method == null) return; // a sub-resource locator: the methods it leads to are bound themselves
        String template = template(info.getResourceClass().getAnnotation(Path.class), m.getAnnotation(Path.class));
        Rule rule = ruleFor(method, template);
        log.info("kcops access: {} {} -> {}", method, template, rule);
        context.register(new AuthorizationFilter(store, rule, template), Priorities.AUTHORIZATION);
    }

    static Rule ruleFor(String method, String template) {
        boolean read = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
        if (template.equals("/") || template.equals("/health") || template.equals("/kcops/whoami"))
            return read ? Rule.ANY : Rule.ADMIN;
        if (template.equals("/connectors")) {
            if (method.equals("GET")) return Rule.LIST;
            if (method.equals("POST")) return Rule.BODY_NAME_WRITE;
            return Rule.ADMIN;
        }
        if (template.equals("/connectors/{connector}/tasks") && method.equals("POST")) return Rule.INTERNAL;
        if (template.equals("/connectors/{connector}/fence") && method.equals("PUT")) return Rule.INTERNAL;
        if (template.equals("/connectors/{connector}") || template.startsWith("/connectors/{connector}/"))
            return read ? Rule.CONNECTOR_READ : Rule.CONNECTOR_WRITE;
        if (template.equals("/connector-plugins") || template.equals("/connector-plugins/{pluginName}/config"))
            return read ? Rule.ANY : Rule.ADMIN;
        if (template.equals("/connector-plugins/{pluginName}/config/validate") && method.equals("PUT"))
            return Rule.BODY_NAME_WRITE;
        return Rule.ADMIN;
    }

    static String template(Path cls, Path meth) {
        String joined = "/" + (cls == null ? "" : cls.value()) + "/" + (meth == null ? "" : meth.value());
        String t = joined.replaceAll("/+", "/");
        if (t.length() > 1 && t.endsWith("/")) t = t.substring(0, t.length() - 1);
        // Templates may carry regular expressions ({name: .+}); the rule only needs the parameter name.
        return t.replaceAll("\\{\\s*([A-Za-z0-9_]+)\\s*:[^}]*}", "{$1}");
    }

    private static String httpMethod(Method m) {
        if (m.isAnnotationPresent(GET.class)) return "GET";
        if (m.isAnnotationPresent(POST.class)) return "POST";
        if (m.isAnnotationPresent(PUT.class)) return "PUT";
        if (m.isAnnotationPresent(DELETE.class)) return "DELETE";
        if (m.isAnnotationPresent(PATCH.class)) return "PATCH";
        if (m.isAnnotationPresent(HEAD.class)) return "HEAD";
        if (m.isAnnotationPresent(OPTIONS.class)) return "OPTIONS";
        return null;
    }
}
