package dev.synod.cli;

import dev.synod.stm.Codec;
import dev.synod.stm.Ref;
import dev.synod.zookeeper.ZooKeeperStm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** One ZooKeeper server per test class on 127.0.0.1, and the tool run in-process with captured output. */
abstract class CliTestSupport {
    static TestingServer server;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    /** What one run of the tool produced. */
    record Result(int code, String out, String err) {}

    @BeforeAll
    static void startServer() throws Exception {
        server = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 250, -1, null, "127.0.0.1"), true);
    }

    @AfterAll
    static void stopServer() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    /** Runs the tool in the background ({@link #start}); stopped after each test. */
    final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void closeAll() throws Exception {
        pool.shutdownNow();
        for (AutoCloseable c : closeables) {
            c.close();
        }
        closeables.clear();
    }

    /** A ref and a {@code synod watch NAME --count 2} on it that has printed its first change. */
    record Watched(String name, ZooKeeperStm stm, Ref<Integer> ref, CapturedRun watch) {}

    /** A ref set to 1, watched, then set to 2, and that change printed by the watch. */
    Watched watchedAfterOneChange(String prefix) throws InterruptedException {
        String name = unique(prefix);
        ZooKeeperStm stm = closeLater(ZooKeeperStm.connect(connect()));
        Ref<Integer> ref = stm.ref(name, Codec.json(Integer.class), 1);
        CapturedRun watch = start("watch", name, "--count", "2", "--connect", connect());
        watch.awaitOutput("watching " + name + " (version 0): 1; Ctrl-C to stop");
        stm.run(txn -> ref.set(2));
        watch.awaitOutput("version 1: 1 -> 2");
        return new Watched(name, stm, ref, watch);
    }

    /** The tool running in a background thread, its output readable while it runs. */
    CapturedRun start(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(
                () -> Synod.run(
                        args,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)),
                pool);
        return new CapturedRun(code, out, err);
    }

    record CapturedRun(CompletableFuture<Integer> code, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        void awaitOutput(String text) throws InterruptedException {
            await(out, text);
        }

        void awaitError(String text) throws InterruptedException {
            await(err, text);
        }

        private void await(ByteArrayOutputStream stream, String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!stream.toString(StandardCharsets.UTF_8).contains(text)) {
                if (System.nanoTime() > deadline || code.isDone()) {
                    throw new AssertionError("no '" + text + "' in output: " + out + " / " + err);
                }
                Thread.sleep(10);
            }
        }

        Result result() throws Exception {
            int c = code.get(15, TimeUnit.SECONDS);
            return new Result(c, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    static String connect() {
        return "127.0.0.1:" + server.getPort();
    }

    /** Runs {@code synod args...} in this JVM. */
    static Result synod(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Synod.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs {@code synod args... --connect <server>}. */
    static Result synodHere(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--connect";
        all[args.length + 1] = connect();
        return synod(all);
    }

    /** A started raw client, closed after the test. */
    CuratorFramework rawClient() throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.newClient(connect(), 5000, 5000, new RetryOneTime(100));
        c.start();
        closeables.add(c);
        if (!c.blockUntilConnected(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no connection to " + connect());
        }
        return c;
    }

    /** Something to close after the test. */
    <T extends AutoCloseable> T closeLater(T c) {
        closeables.add(0, c);
        return c;
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A Synod client on the test server, closed after the test. */
    protected ZooKeeperStm stm() {
        return closeLater(ZooKeeperStm.connect(connect()));
    }
}
