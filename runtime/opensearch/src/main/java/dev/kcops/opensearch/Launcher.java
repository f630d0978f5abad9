package dev.kcops.opensearch;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.opensearch.common.settings.Settings;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.transport.Netty4Plugin;

/**
 * Starts a single-node OpenSearch cluster in this JVM, without the distribution's bootstrap (no security manager, no
 * bootstrap checks, no plugins directory): the Netty 4 transport is handed to the node as a classpath plugin.
 *
 * <p>Arguments: home directory (data and logs go below it), HTTP port, transport port. Prints one line "started" when the
 * node accepts requests, and closes the node on SIGTERM.
 */
public final class Launcher {
  private Launcher() {}

  /** Node's constructor that takes plugin classes is protected. */
  static final class ClasspathPluginNode extends Node {
    ClasspathPluginNode(Settings settings) {
      super(
          InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> "kcops-test"),
          List.of(Netty4Plugin.class),
          true);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: Launcher <home> <http port> <transport port>");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    Settings settings =
        Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", "kcops-test")
            .put("node.name", "kcops-test")
            .put("discovery.type", "single-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", args[1])
            .put("transport.port", args[2])
            .put("http.type", "netty4")
            .put("transport.type", "netty4")
            // One test node on a shared machine: no disk-watermark read-only blocks, no replicas to wait for.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .build();
    long t0 = System.nanoTime();
    Node node = new ClasspathPluginNode(settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    node.close();
                  } catch (Exception e) {
                    e.printStackTrace();
                  }
                  stopped.countDown();
                }));
    node.start();
    System.out.println("started in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    System.out.flush();
    // The node's threads are daemons: keep the JVM up until it is told to stop.
    stopped.await();
  }
}
