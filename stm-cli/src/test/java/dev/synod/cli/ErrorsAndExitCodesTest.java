package dev.synod.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.stm.Atom;
import dev.synod.stm.Codec;
import dev.synod.stm.CommitOutcomeUnknownException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

/** Every failure is one line on stderr and its own exit code. */
class ErrorsAndExitCodesTest extends CliTestSupport {

    @Test
    void anUnreachableEnsembleIsExitCode3NamingTheConnectStringAndTimeout() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        long start = System.nanoTime();
        Result r = synod("ls", "--connect", "127.0.0.1:" + closed, "--timeout", "700ms");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .isEqualTo("synod: cannot connect to ZooKeeper at 127.0.0.1:" + closed
                        + " within 700 ms (is it running? set --connect and --timeout)" + System.lineSeparator());
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
        assertThat(synod("get", "x", "--connect", "127.0.0.1:" + closed, "--timeout", "1s")
                        .code())
                .isEqualTo(3);
        Result bench = synod("bench", "--connect", "127.0.0.1:" + closed, "--only", "cached deref");
        assertThat(bench.code()).isEqualTo(3);
        assertThat(bench.err()).contains("connect to ZooKeeper at 127.0.0.1:" + closed);
    }

    @Test
    void anUnknownRefIsExitCode4() {
        Result r = synodHere("get", "no/such/ref");
        assertThat(r.code()).isEqualTo(4);
        assertThat(r.err())
                .isEqualTo("synod: no ref or atom named 'no/such/ref' in /synod at " + connect() + " (try: synod ls)"
                        + System.lineSeparator());
        assertThat(synodHere("watch", "no/such/ref").code()).isEqualTo(4);
        assertThat(synodHere("swap", "no-such-atom", "--add", "1").code()).isEqualTo(4);
        assertThat(synodHere("locks", "no-such-lock").code()).isEqualTo(4);
    }

    @Test
    void aBadNameIsExitCode5() {
        Result r = synodHere("get", "bad name!");
        assertThat(r.code()).isEqualTo(5);
        assertThat(r.err()).startsWith("synod: invalid name 'bad name!'").hasLineCount(1);
        assertThat(synodHere("get", "a//b").code()).isEqualTo(5);
        assertThat(synodHere("reset", "a/../b", "1").code()).isEqualTo(5);
        assertThat(synodHere("locks", "bad name").code()).isEqualTo(5);
        // found out before any wait for a connection: no server needed
        assertThat(synod("locks", "bad name", "--connect", "127.0.0.1:1", "--timeout", "30s")
                        .code())
                .isEqualTo(5);
        assertThat(synod("ls", "--namespace", "no-slash", "--connect", "127.0.0.1:1", "--timeout", "30s")
                        .code())
                .isEqualTo(5);
    }

    @Test
    void corruptDataIsExitCode6() throws Exception {
        CuratorFramework raw = rawClient();
        String ns = "/" + unique("corrupt");
        raw.create()
                .creatingParentsIfNeeded()
                .forPath(ns + "/cells/broken", "not a synod record".getBytes(StandardCharsets.UTF_8));
        Result get = synodHere("get", "broken", "--namespace", ns);
        assertThat(get.code()).isEqualTo(6);
        assertThat(get.err()).startsWith("synod: corrupt data in 'broken': ").hasLineCount(1);

        Result ls = synodHere("ls", "--namespace", ns);
        assertThat(ls.code()).isEqualTo(6);
        assertThat(ls.out()).containsPattern("broken +corrupt");
        assertThat(ls.err())
                .isEqualTo("synod: corrupt data in 1 cell(s): broken (see: synod get NAME)" + System.lineSeparator());
        assertThat(synodHere("swap", "broken", "--add", "1", "--namespace", ns).code())
                .isEqualTo(6);
    }

    @Test
    void usageErrorsAreExitCode2OnOneLine() {
        Result r = synod("get");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .isEqualTo(
                        "synod: Missing required parameter: 'NAME' (see: synod get --help)" + System.lineSeparator());
        assertThat(synod("frobnicate").code()).isEqualTo(2);
        assertThat(synod("ls", "--timeout", "soon").code()).isEqualTo(2);
        assertThat(synodHere("reset", "x", "not json").err()).contains("VALUE must be a JSON value");
    }

    @Test
    void aValueThatIsNotExactlyOneJsonValueChangesNothing() {
        String name = unique("strict");
        Atom<Long> counter = stm().atom(name, Codec.json(Long.class), 5L);
        Result twoValues = synodHere("reset", name, "1 2");
        assertThat(twoValues.code()).isEqualTo(2);
        assertThat(twoValues.err()).contains("VALUE must be a JSON value").hasLineCount(1);
        assertThat(synodHere("reset", name, "{\"a\":1} {\"b\":2}").code()).isEqualTo(2);
        Result nul = synodHere("reset", name, "null");
        assertThat(nul.code()).isEqualTo(2);
        assertThat(nul.err()).contains("must not be null");
        assertThat(counter.get()).isEqualTo(5L);
        assertThat(synodHere("get", name).out()).contains("5");
    }

    @Test
    void decimalsAreKeptExactly() {
        String name = unique("exact");
        stm().atom(name, Codec.json(java.math.BigDecimal.class), new java.math.BigDecimal("1.5"));
        Result r = synodHere("reset", name, "12345678901234567.5", "--json");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("\"new\":12345678901234567.5");
    }

    @Test
    void aMalformedConnectStringIsAUsageErrorAtOnce() {
        long start = System.nanoTime();
        Result r = synod("ls", "--connect", "127.0.0.1:218x", "--timeout", "5s");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .startsWith("synod: bad connect string '127.0.0.1:218x'")
                .hasLineCount(1);
        assertThat((System.nanoTime() - start) / 1_000_000)
                .as("no wait for a connection")
                .isLessThan(4_000);
        assertThat(synod("ls", "--connect", "127.0.0.1:99999").code()).isEqualTo(2);
        for (String command : new String[] {"bench", "demo"}) {
            Result other = synod(command, "--connect", "127.0.0.1:218x");
            assertThat(other.code()).as(command).isEqualTo(2);
            assertThat(other.err()).as(command).startsWith("synod: bad connect string '127.0.0.1:218x'");
        }
        assertThat(synod("ls", "--connect", ":2181").code()).isEqualTo(2);
        assertThat(synod("ls", "--timeout", "3000000").code()).as("over 24 h").isEqualTo(2);
        Result port = synod("server", "--port", "65535", "--servers", "3");
        assertThat(port.code()).isEqualTo(2);
        assertThat(port.err()).contains("between 0 and 65533");
    }

    @Test
    void aServerOnAPortInUseIsAUsageErrorAndLeavesNoTemporaryDirectory() throws IOException {
        java.nio.file.Path tmp = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
        try (ServerSocket busy = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            java.util.Set<java.nio.file.Path> before = listing(tmp);
            Result r = synod("server", "--port", String.valueOf(busy.getLocalPort()));
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("port " + busy.getLocalPort() + " is in use");
            java.util.Set<java.nio.file.Path> left = listing(tmp);
            left.removeAll(before);
            // nothing else of this JVM makes temporary directories while this test runs
            assertThat(left).noneMatch(java.nio.file.Files::isDirectory);
        }
    }

    private static java.util.Set<java.nio.file.Path> listing(java.nio.file.Path dir) throws IOException {
        try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.list(dir)) {
            return s.collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
        }
    }

    @Test
    void aCommitWhoseOutcomeIsUnknownIsExitCode7AndSaysToCheckFirst() {
        RuntimeException e = new Ensemble().translate(new CommitOutcomeUnknownException("connection lost"));
        assertThat(e).isInstanceOf(Failure.class);
        assertThat(((Failure) e).exitCode()).isEqualTo(7);
        assertThat(e.getMessage()).startsWith("connection lost").contains("check the value");
        assertThat(synod("help").out()).contains("7 outcome of a change unknown");
    }

    @Test
    void verboseAddsTheStackTrace() {
        Result quiet = synodHere("get", "nope");
        Result verbose = synodHere("get", "nope", "--verbose");
        assertThat(quiet.err()).doesNotContain("\tat ");
        assertThat(verbose.code()).isEqualTo(4);
        assertThat(verbose.err()).contains("\tat dev.synod.cli.");
    }

    @Test
    void helpListsTheCommandsAndExitCodes() {
        Result r = synod("help");
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .contains("demo", "server", "ls", "get", "watch", "locks", "swap", "reset", "bench")
                .contains("3 cannot connect")
                .doesNotContain("demo-client");
    }
}
