package dev.synod.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code synod server}: a local ZooKeeper for development, until Ctrl-C. */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        description = "Run a local ZooKeeper (one server or three) on 127.0.0.1 for development, until Ctrl-C.")
final class ServerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--port",
            paramLabel = "P",
            defaultValue = "2181",
            description = "client port of the first server; the others use the next ports; 0 for free ports"
                    + " (default: ${DEFAULT-VALUE})")
    int port;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "keep data here across restarts (default: a temporary directory, deleted on exit)")
    File dataDir;

    @Option(
            names = "--servers",
            paramLabel = "N",
            defaultValue = "1",
            description = "1 or 3 (default: ${DEFAULT-VALUE})")
    int servers;

    @Override
    public Integer call() throws Exception {
        if (servers != 1 && servers != 3) {
            throw new Failure(Failure.USAGE, "--servers must be 1 or 3 but was " + servers);
        }
        // servers listen on port, port + 1, ...: the last of them must still be a port
        if (port < 0 || port > 65536 - servers) {
            throw new Failure(Failure.USAGE, "--port must be between 0 and " + (65536 - servers) + " but was " + port);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (port != 0) {
            // ZooKeeper ends the whole JVM (System.exit) when it cannot bind: find out first
            for (int p = port; p < port + servers; p++) {
                try (ServerSocket probe = new ServerSocket()) {
                    probe.bind(new InetSocketAddress("127.0.0.1", p));
                } catch (IOException e) {
                    throw new Failure(Failure.USAGE, "port " + p + " is in use: choose another with --port", e);
                }
            }
        }
        LocalEnsemble ensemble = LocalEnsemble.start(servers, port, dataDir, -1, true);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    closeQuietly(ensemble);
                    out.println("synod server: stopped");
                    out.flush();
                    stopped.countDown();
                },
                "synod-server-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.printf(
                "synod server: %s on 127.0.0.1, data in %s%n",
                servers == 1 ? "one ZooKeeper server" : "a three-server ZooKeeper ensemble",
                dataDir == null ? ensemble.temporaryDirectory() + " (deleted on exit)" : dataDir.getAbsolutePath());
        out.println("connect string: " + ensemble.connectString());
        out.println("try: ./synod demo --connect " + ensemble.connectString() + "   (Ctrl-C to stop the server)");
        out.flush();
        stopped.await();
        return 0;
    }

    private static void closeQuietly(LocalEnsemble ensemble) {
        try {
            ensemble.close();
        } catch (IOException e) {
            // stopping anyway
        }
    }
}
