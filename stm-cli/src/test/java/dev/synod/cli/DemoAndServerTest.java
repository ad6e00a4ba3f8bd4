package dev.synod.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.bench.SynodBenchmark;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The long-running commands as a user runs them: the demo (client processes on an embedded
 * three-server ensemble), the local server in its own JVM stopped by a signal, the launcher script,
 * and the benchmark in its shortest form.
 */
class DemoAndServerTest extends CliTestSupport {

    @Test
    void demoOnAnEmbeddedEnsembleEndsWithTheInvariantHeld() {
        long start = System.nanoTime();
        Result r = synod("demo", "--seconds", "3", "--clients", "2");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .contains("starting a three-server ZooKeeper ensemble on 127.0.0.1")
                .contains("2 client processes move money between 16 accounts (total 16000) for 3 s")
                .containsPattern("(?m)^  3 s  commits +[0-9,]+ ")
                .contains("  invariant    total 16000, expected 16000: OK")
                .containsPattern("audits +[1-9][0-9]* read-only transactions, 0 saw a wrong total, \\d+ failed: OK")
                .containsPattern("atom +demo/[0-9a-f]{8}/swaps = (\\d+), sum of swaps \\1: OK")
                .containsPattern("lock-guarded demo/[0-9a-f]{8}/guarded = (\\d+), guarded commits \\1: OK")
                .doesNotContain("VIOLATED");
        assertThat(r.out()).containsPattern("commits +[1-9][0-9,]*: ");
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(60);
    }

    @Test
    void demoAgainstAnUnreachableEnsembleIsExitCode3() {
        Result r = synod("demo", "--connect", "127.0.0.1:1", "--timeout", "1s");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("cannot connect to ZooKeeper at 127.0.0.1:1 within 1 s");
    }

    @Test
    void serverRunsUntilSignalledAndStopsCleanly(@TempDir Path dataDir) throws Exception {
        Process p = new ProcessBuilder(javaCommand("server", "--port", "0", "--data-dir", dataDir.toString()))
                .redirectErrorStream(true)
                .start();
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                // the process is gone
            }
        });
        reader.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (lines.stream().noneMatch(l -> l.startsWith("try: ")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(lines).hasSizeGreaterThanOrEqualTo(3);
            assertThat(lines.get(0)).isEqualTo("synod server: one ZooKeeper server on 127.0.0.1, data in " + dataDir);
            assertThat(lines.get(1)).matches("connect string: 127\\.0\\.0\\.1:\\d+");
            String connect = lines.get(1).substring("connect string: ".length());
            assertThat(lines.get(2))
                    .isEqualTo("try: ./synod demo --connect " + connect + "   (Ctrl-C to stop the server)");

            Result reset = synod("reset", "nothing", "1", "--connect", connect);
            assertThat(reset.code()).isEqualTo(4);
            assertThat(synod("ls", "--connect", connect).out()).startsWith("no refs or atoms in /synod at " + connect);

            // SIGTERM, as Ctrl-C: the shutdown hook stops the server (the handle, unlike Process.destroy(),
            // leaves our end of its stdout open so that we read its last line)
            assertThat(ProcessHandle.of(p.pid()).orElseThrow().destroy()).isTrue();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            reader.join(5_000);
            assertThat(lines).hasSize(4);
            assertThat(lines.get(3)).isEqualTo("synod server: stopped");
            int port = Integer.parseInt(connect.substring(connect.indexOf(':') + 1));
            assertThat(isListening(port)).isFalse();
            try (var files = Files.list(dataDir)) {
                assertThat(files.count()).as("the data directory is kept").isPositive();
            }
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSignalWhileTheDemoStartsItsEnsembleLeavesNoTemporaryDirectory(@TempDir Path tmp) throws Exception {
        // the ensemble takes a second or more to start: the signal lands while it starts
        signalAfterTheFirstLineLeavesNothingIn(
                tmp,
                first -> assertThat(first).isEqualTo("starting a three-server ZooKeeper ensemble on 127.0.0.1 ..."),
                "demo",
                "--seconds",
                "60");
    }

    @Test
    void aServerOnATemporaryDirectoryDeletesItWhenSignalled(@TempDir Path tmp) throws Exception {
        signalAfterTheFirstLineLeavesNothingIn(
                tmp,
                first -> {
                    assertThat(first)
                            .startsWith("synod server: one ZooKeeper server on 127.0.0.1, data in " + tmp)
                            .endsWith(" (deleted on exit)");
                    String dataDir = first.substring(first.indexOf(" data in ") + 9, first.indexOf(" (deleted"));
                    assertThat(Path.of(dataDir))
                            .as("the data directory while serving")
                            .isDirectory();
                },
                "server",
                "--port",
                "0");
    }

    /**
     * Runs the tool in a JVM of its own whose temporary directory is {@code tmp}, checks its first
     * line, sends SIGTERM (as Ctrl-C), and requires that it exits leaving {@code tmp} empty.
     */
    private static void signalAfterTheFirstLineLeavesNothingIn(
            Path tmp, java.util.function.Consumer<String> firstLine, String... args) throws Exception {
        List<String> cmd = javaCommand(args);
        cmd.add(1, "-Djava.io.tmpdir=" + tmp);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            firstLine.accept(out.readLine());
            assertThat(ProcessHandle.of(p.pid()).orElseThrow().destroy()).isTrue();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            while (out.readLine() != null) {
                // the rest of its output, whatever it got to
            }
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (var left = Files.list(tmp)) {
            assertThat(left.map(Path::getFileName).map(Path::toString)).isEmpty();
        }
    }

    @Test
    void theLauncherRunsTheToolAndPassesTheExitCodeOn() throws Exception {
        File root = new File("..").getCanonicalFile();
        assertThat(new File(root, "synod")).exists();
        Result help = launcher(root, "help");
        assertThat(help.code()).isZero();
        assertThat(help.out())
                .contains("Usage: synod [-hV] [--verbose] [COMMAND]")
                .contains("demo");
        Result missing = launcher(root, "get", "missing", "--connect", connect());
        assertThat(missing.code()).isEqualTo(4);
        assertThat(missing.err())
                .isEqualTo("synod: no ref or atom named 'missing' in /synod at " + connect() + " (try: synod ls)\n");
    }

    @Test
    void benchPrintsTheTableAndWritesTheChart(@TempDir Path dir) throws Exception {
        Path chart = dir.resolve("charts/bench.svg");
        Result r = synod(
                "bench",
                "--seconds",
                "1",
                "--warmup",
                "0",
                "--threads",
                "1",
                "--out",
                chart.toString(),
                "--connect",
                connect());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains(
                        "| scenario | threads | system | ops/s | p50 µs | p99 µs | slowest thread | Synod / baseline |")
                .containsPattern(
                        "\\| write txn, 1 ref \\| 1 \\| Synod \\| [0-9,]+ \\| \\d+ \\| \\d+ \\| - \\| \\d+\\.\\d\\dx \\|")
                .contains("| counter +1 (shared) | 1 | Curator DistributedAtomicLong |")
                .contains("chart written to " + chart);
        String svg = Files.readString(chart);
        assertThat(svg.split("class=\"bar\"", -1)).hasSize(12 + 1);
        assertThat(SynodBenchmark.rowsPerThreadCount(1))
                .as("rows of a one-thread run")
                .isEqualTo(12);
        assertThat(r.err()).contains("synod bench: 12 rows");
        assertThat(svg.split("class=\"ratio\"", -1)).hasSize(5 + 1);
    }

    @Test
    void benchWithOnlyMatchingNothingIsAUsageErrorAndAPartialRunKeepsTheChart() {
        Result none = shortBench("no such scenario");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("matches no scenario");
        Result partial = shortBench("cached deref");
        assertThat(partial.code()).as(partial.err()).isZero();
        assertThat(partial.out()).contains("| cached deref |").contains("chart not written");
    }

    /** The shortest bench run of the scenarios matching {@code only}, without --out. */
    private Result shortBench(String only) {
        return synod(
                "bench", "--seconds", "1", "--warmup", "0", "--threads", "1", "--only", only, "--connect", connect());
    }

    private static List<String> javaCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Synod.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Result launcher(File root, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "synod"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root);
        pb.environment().put("SYNOD_CLASSPATH", System.getProperty("java.class.path"));
        Path out = Files.createTempFile("synod-out", ".txt");
        Path err = Files.createTempFile("synod-err", ".txt");
        try {
            Process p =
                    pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static boolean isListening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return s.isConnected();
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
