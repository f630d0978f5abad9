package dev.kcops.connect.access;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** Request properties shared by the filters, and error responses in Connect's own error shape. */
final class Requests {
    static final String KEY = "kcops.access.key";
    static final String INTERNAL = "kcops.access.internal";
    static final String BODY = "kcops.access.body";
    static final String FILTER_LIST = "kcops.access.filterList";
    static final String CONNECTOR = "kcops.access.connector";
    static final String DECISION = "kcops.access.decision";
    static final String PRESENTED_ID = "kcops.access.presentedId";
    static final String TEMPLATE = "kcops.access.template";

    private Requests() { }

    static Response error(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error_code", status);
        body.put("message", message);
        Response.ResponseBuilder b = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body);
        if (status == 401) b.header("WWW-Authenticate", "Basic realm=\"kafka-connect\", charset=\"UTF-8\"");
        return b.build();
    }
}
