package dev.synod.locks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** kill -9 of a holder JVM: the lock is released after the session timeout and a waiter proceeds. */
class CrashSafetyTest extends ZkTestSupport {
    private static final int CHILD_SESSION_MS = 3000;
    private Process child;

    @AfterEach
    void killChild() throws InterruptedException {
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void killedHolderReleasesTheLockAfterItsSessionTimeout() throws Exception {
        String name = uniqueName("crash");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        child = new ProcessBuilder(
                        java,
                        "-Xmx128m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        CrashedHolderMain.class.getName(),
                        server.getConnectString(),
                        name,
                        Integer.toString(CHILD_SESSION_MS))
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
                    try {
                        String l;
                        while ((l = out.readLine()) != null) {
                            if (l.startsWith("HELD ")) {
                                return l;
                            }
                        }
                        return null;
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .get(30, TimeUnit.SECONDS);
        assertThat(line).startsWith("HELD ");
        long childToken = Long.parseLong(line.substring(5).trim());

        DistributedReentrantLock waiter = new DistributedReentrantLock(newClient(), name);
        assertThat(waiter.tryLock()).isFalse();

        long killedAt = System.nanoTime();
        child.destroyForcibly(); // SIGKILL: no chance to release or close the session
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

        assertThat(waiter.tryLock(15, TimeUnit.SECONDS)).isTrue();
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        try {
            assertThat(waitedMs).isBetween(1000L, 12_000L); // released by session expiry, not at once
            assertThat(waiter.fencingToken()).isGreaterThan(childToken);
        } finally {
            waiter.unlock();
        }
    }
}
