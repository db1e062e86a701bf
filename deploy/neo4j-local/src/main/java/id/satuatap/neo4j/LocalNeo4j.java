package id.satuatap.neo4j;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * Runs Neo4j Community embedded with only its Bolt connector, for development and tests.
 *
 * <p>Configuration comes from system properties or environment variables (property wins):
 * <ul>
 *   <li>{@code neo4j.data} / {@code NEO4J_LOCAL_DATA}: data directory (default {@code ./neo4j-data})</li>
 *   <li>{@code neo4j.host} / {@code NEO4J_LOCAL_HOST}: listen address (default 127.0.0.1)</li>
 *   <li>{@code neo4j.port} / {@code NEO4J_LOCAL_PORT}: Bolt port (default 7687; 0 picks a free one)</li>
 *   <li>{@code neo4j.password} / {@code NEO4J_LOCAL_PASSWORD}: when set, auth is on for user neo4j</li>
 *   <li>{@code neo4j.pagecache} / {@code NEO4J_LOCAL_PAGECACHE}: page cache in MiB (default 64)</li>
 *   <li>{@code neo4j.watch_stdin} / {@code NEO4J_LOCAL_WATCH_STDIN}: stop when stdin closes (parent died)</li>
 *   <li>{@code neo4j.txtimeout} / {@code NEO4J_LOCAL_TX_TIMEOUT}: transaction timeout in seconds (default 0 = none)</li>
 * </ul>
 *
 * <p>Prints exactly one line starting with {@code NEO4J_READY bolt://host:port} once Bolt accepts
 * connections, so a parent process can wait for it. Exits with status 3 when the port is taken,
 * with a message naming the port (Neo4j itself would only fail much later and less clearly).
 */
public final class LocalNeo4j {
    private LocalNeo4j() {}

    static String setting(String property, String env, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isEmpty()) {
            value = System.getenv(env);
        }
        return (value == null || value.isEmpty()) ? fallback : value;
    }

    /** Fails fast with a clear message instead of Neo4j's late, generic bind error. */
    static int claimPort(String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
            return probe.getLocalPort();
        } catch (IOException e) {
            System.err.println("NEO4J_ERROR port " + port + " on " + host + " is already in use: " + e.getMessage());
            System.exit(3);
            return -1;
        }
    }

    /**
     * The parent holds our stdin open; when it dies, even by SIGKILL, stdin reaches end of file and we
     * shut down cleanly. This is what keeps a crashed test run from leaving an orphaned Java process.
     */
    static void watchParent() {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // ignore input; only end of file matters
                }
            } catch (IOException ignored) {
                // a broken pipe means the parent is gone too
            }
            System.exit(0);
        }, "neo4j-local-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(setting("neo4j.data", "NEO4J_LOCAL_DATA", "neo4j-data")).toAbsolutePath();
        String host = setting("neo4j.host", "NEO4J_LOCAL_HOST", "127.0.0.1");
        int port = claimPort(host, Integer.parseInt(setting("neo4j.port", "NEO4J_LOCAL_PORT", "7687")));
        String password = setting("neo4j.password", "NEO4J_LOCAL_PASSWORD", "");
        long pageCacheMiB = Long.parseLong(setting("neo4j.pagecache", "NEO4J_LOCAL_PAGECACHE", "64"));
        long txTimeout = Long.parseLong(setting("neo4j.txtimeout", "NEO4J_LOCAL_TX_TIMEOUT", "0"));
        // OFF: no connection.recv_timeout_seconds hint (below). ALL, Neo4j's default, only for the
        // benchmark that measures what the hint costs a driver.
        BoltConnector.KeepAliveRequestType keepAlive = BoltConnector.KeepAliveRequestType.valueOf(
                setting("neo4j.keepalive", "NEO4J_LOCAL_KEEPALIVE", "OFF"));
        Files.createDirectories(data);

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(data)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(host, port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, !password.isEmpty())
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMiB))
                .setConfig(GraphDatabaseSettings.transaction_timeout, java.time.Duration.ofSeconds(txTimeout))
                // No connection.recv_timeout_seconds hint: with it, the Python driver wraps every socket
                // read in a task with its own timer (six per statement), a seventh of the gateway's
                // CPU per Cypher statement. The gateway bounds each statement itself instead.
                .setConfig(BoltConnector.connection_keep_alive_type, keepAlive)
                // Netty waits this many seconds for stray tasks on each of its two Bolt event-loop
                // groups before they close: ~10 s of every stop, after the databases are already shut.
                .setConfig(org.neo4j.configuration.GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM and SIGINT both run shutdown hooks: close the store cleanly so the next start needs no recovery.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("NEO4J_STOPPING");
            System.out.flush();
            dbms.shutdown();
            stopped.countDown();
        }, "neo4j-local-shutdown"));

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!password.isEmpty()) {
            GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
            try (var tx = system.beginTx()) {
                tx.execute("ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED",
                        java.util.Map.of("pw", password));
                tx.commit();
            }
        }
        // Touch the default database so Bolt clients find it online once we say we are ready.
        try (var tx = db.beginTx()) {
            tx.execute("RETURN 1").close();
            tx.commit();
        }
        if (Boolean.parseBoolean(setting("neo4j.watch_stdin", "NEO4J_LOCAL_WATCH_STDIN", "false"))) {
            watchParent();
        }
        System.out.println("NEO4J_READY bolt://" + host + ":" + port + " data=" + data);
        System.out.flush();
        stopped.await();
    }
}
