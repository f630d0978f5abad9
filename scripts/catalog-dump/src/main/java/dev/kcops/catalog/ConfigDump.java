package dev.kcops.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.runtime.SinkConnectorConfig;
import org.apache.kafka.connect.runtime.SourceConnectorConfig;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * Prints, as JSON on stdout, the config definitions of the classes named on the command line: for a connector its own
 * config() plus the framework keys Connect adds for a source or a sink (tasks.max, errors.*, transforms, ...), for a
 * transformation its config(). Only definitions: names, types, defaults, allowed values, deprecation notes.
 * Used by scripts/gen-catalog.mjs --from-maven; run with the classpath of scripts/catalog-dump/pom.xml.
 */
public final class ConfigDump {
  private ConfigDump() {}

  public static void main(String[] args) throws Exception {
    StringBuilder out = new StringBuilder("{\n");
    boolean first = true;
    for (String cls : args) {
      Object instance = Class.forName(cls).getDeclaredConstructor().newInstance();
      Map<String, ConfigDef.ConfigKey> keys = new TreeMap<>();
      String kind;
      String version = "";
      if (instance instanceof Connector) {
        Connector c = (Connector) instance;
        boolean sink = instance instanceof SinkConnector;
        kind = sink ? "sink" : "source";
        version = c.version();
        keys.putAll((sink ? SinkConnectorConfig.configDef() : SourceConnectorConfig.configDef()).configKeys());
        keys.putAll(c.config().configKeys());
      } else if (instance instanceof Transformation) {
        kind = "transform";
        keys.putAll(((Transformation<?>) instance).config().configKeys());
        Package p = instance.getClass().getPackage();
        if (p != null && p.getImplementationVersion() != null) version = p.getImplementationVersion();
      } else {
        throw new IllegalArgumentException(cls + " is neither a connector nor a transformation");
      }
      if (!first) out.append(",\n");
      first = false;
      out.append("  ").append(str(cls)).append(": {\"type\": ").append(str(kind));
      out.append(", \"version\": ").append(str(version)).append(", \"keys\": {");
      boolean firstKey = true;
      for (ConfigDef.ConfigKey k : keys.values()) {
        if (k.internalConfig) continue;
        out.append(firstKey ? "\n" : ",\n");
        firstKey = false;
        out.append("    ").append(str(k.name)).append(": ").append(key(k));
      }
      out.append("\n  }}");
    }
    out.append("\n}\n");
    System.out.print(out);
  }

  private static String key(ConfigDef.ConfigKey k) {
    List<String> fields = new ArrayList<>();
    fields.add("\"type\": " + str(k.type.name()));
    fields.add("\"required\": " + !k.hasDefault());
    if (k.hasDefault() && k.defaultValue != null)
      fields.add("\"default\": " + str(ConfigDef.convertToString(k.defaultValue, k.type)));
    List<String> allowed = allowed(k.validator);
    if (!allowed.isEmpty()) {
      List<String> quoted = new ArrayList<>();
      for (String a : allowed) quoted.add(str(a));
      fields.add("\"allowed\": [" + String.join(", ", quoted) + "]");
    }
    if (k.group != null) fields.add("\"group\": " + str(k.group));
    // Only documentation that speaks of a deprecation is kept: gen-catalog.mjs reads which key or value it concerns.
    if (k.documentation != null && k.documentation.toLowerCase().contains("deprecat"))
      fields.add("\"doc\": " + str(clip(k.documentation.replaceAll("<[^>]+>", "").replaceAll("\\s+", " ").trim())));
    return "{" + String.join(", ", fields) + "}";
  }

  /** ValidString and its case-insensitive twin print their closed set as "[a, b]"; other validators say nothing usable. */
  private static List<String> allowed(ConfigDef.Validator v) {
    List<String> out = new ArrayList<>();
    if (v == null) return out;
    String name = v.getClass().getSimpleName();
    if (!name.contains("ValidString") && !name.contains("ValidList")) return out;
    String s = v.toString().trim();
    int open = s.indexOf('[');
    int close = s.lastIndexOf(']');
    if (open < 0 || close <= open) return out;
    for (String part : s.substring(open + 1, close).split(",")) {
      String p = part.trim();
      if (!p.isEmpty()) out.add(p);
    }
    return out;
  }

  private static String clip(String s) {
    return s.length() > 800 ? s.substring(0, 797) + "..." : s;
  }

  private static String str(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }
}
