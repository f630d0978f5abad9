package dev.kcops.connect.access;

import jakarta.ws.rs.Priorities;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.apache.kafka.connect.rest.ConnectRestExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-user API keys, per-team authorisation and a server-side audit for the Connect REST API (issue #15).
 *
 * Worker properties it reads (all worker properties reach {@link #configure}):
 * <ul>
 *   <li>{@code kcops.access.keys.file} (required): the key file kcops writes;</li>
 *   <li>{@code kcops.access.audit.file} (required): where this worker appends one JSON line per audited request;</li>
 *   <li>{@code kcops.access.usage.dir} (default: {@code key-usage} beside the key file): where each worker records
 *       when keys were last used, one file per worker;</li>
 *   <li>{@code kcops.access.max.body.bytes} (1 MiB), {@code kcops.access.lockout.failures} (10),
 *       {@code kcops.access.lockout.seconds} (60).</li>
 * </ul>
 */
public class AccessRestExtension implements ConnectRestExtension {
    private static final Logger log = LoggerFactory.getLogger(AccessRestExtension.class);

    private Settings settings;

    private KeyUsage usage;

    record Settings(Path keysFile, Path auditFile, Path usageDir, long maxBodyBytes, int lockoutFailures,
                    int lockoutSeconds, String worker) { }

    @Override
    public void configure(Map<String, ?> configs) {
        String keys = str(configs, "kcops.access.keys.file", null);
        String audit = str(configs, "kcops.access.audit.file", null);
        if (keys == null) throw new ConfigException("kcops.access.keys.file", null, "the kcops access key file is required");
        if (audit == null) throw new ConfigException("kcops.access.audit.file", null, "the kcops access audit file is required");
        String host = str(configs, "rest.advertised.host.name", "");
        String port = str(configs, "rest.advertised.port", "");
        String worker = host.isEmpty() ? str(configs, "listeners", "?") : host + ":" + port;
        Path keysFile = Path.of(keys);
        Path parent = keysFile.toAbsolutePath().getParent();
        String usageDir = str(configs, "kcops.access.usage.dir", null);
        settings = new Settings(keysFile, Path.of(audit),
            usageDir != null ? Path.of(usageDir) : parent.resolve("key-usage"),
            Long.parseLong(str(configs, "kcops.access.max.body.bytes", "1048576")),
            Integer.parseInt(str(configs, "kcops.access.lockout.failures", "10")),
            Integer.parseInt(str(configs, "kcops.access.lockout.seconds", "60")),
            worker);
    }

    private static String str(Map<String, ?> configs, String key, String dflt) {
        Object v = configs.get(key);
        return v == null || v.toString().isBlank() ? dflt : v.toString().trim();
    }

    @Override
    public void register(ConnectRestExtensionContext context) {
        KeyStore store = new KeyStore(settings.keysFile());
        AuditLog audit = new AuditLog(settings.auditFile(), settings.worker());
        usage = new KeyUsage(settings.usageDir(), settings.worker());
        FailureLimiter limiter = new FailureLimiter(settings.lockoutFailures(), settings.lockoutSeconds());
        context.configurable().register(new AuthenticationFilter(store, limiter, usage, settings.maxBodyBytes()), Priorities.AUTHENTICATION);
        context.configurable().register(new AuthorizationFeature(store));
        context.configurable().register(new AuditFilter(store, audit), Priorities.USER);
        context.configurable().register(new IdentityHeader(), Priorities.USER);
        context.configurable().register(new WhoAmIResource(store));
        context.configurable().register(new KeysResource(store, usage));
        log.info("kcops access: API keys from {}, audit to {}", settings.keysFile(), settings.auditFile());
    }

    @Override
    public void close() {
        if (usage != null) usage.close();
    }

    @Override
    public String version() {
        return "1";
    }
}
