package dev.synod.zookeeper.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.stm.spi.CommitResult;
import dev.synod.stm.spi.Coordinator;
import dev.synod.stm.spi.Versioned;
import dev.synod.zookeeper.internal.CoordinatorFixture.Client;
import dev.synod.zookeeper.testing.ZkHarness;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN 7, progress for an update that keeps losing: a claim gives its holder the turn on the
 * cells it names; other clients (separate sessions) hold back their commits of those cells until
 * the holder commits, its claim ends with its session, or its lease runs out.
 */
class ClaimsTest {
    @RegisterExtension
    static final ZkHarness zk = ZkHarness.perClass();

    private static final long NO_DEADLINE = ZkConnection.NO_DEADLINE;
    private static final long DEFAULT_LEASE = Claims.leaseNanos;

    /** A lease long enough that a slow machine never runs it out where a test relies on it. */
    @org.junit.jupiter.api.BeforeEach
    void longLease() {
        Claims.leaseNanos = TimeUnit.SECONDS.toNanos(5);
    }

    @org.junit.jupiter.api.AfterEach
    void defaultLease() {
        Claims.leaseNanos = DEFAULT_LEASE;
    }

    @Test
    void otherClientsHoldBackUntilTheClaimantCommitsAndItsCommitReleasesTheClaimInOneRequest() throws Exception {
        CoordinatorFixture fx = new CoordinatorFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        a.coordinator().open("x", CoordinatorFixture.bytes("0"));
        b.coordinator().open("x", null);

        a.requests().reset();
        Coordinator.Claim claim = a.coordinator().claim(List.of("x"), 0, NO_DEADLINE);
        // the read its cache worker sends on the notification of the create serves the claimant too
        CoordinatorFixture.await(() -> a.requests().get("getChildren") >= 1);
        Thread.sleep(100);
        assertThat(a.requests().snapshot())
                .as("a claim costs one create and one read of the claims")
                .isEqualTo(Map.of("create", 1L, "getChildren", 1L));
        assertThat(claim.held()).isTrue();
        assertThat(claim.names()).containsExactly("x");
        CoordinatorFixture.await(() -> b.coordinator().claimsOn("x").size() == 1);

        Versioned seenByB = b.coordinator().current("x");
        CompletableFuture<CommitResult> held =
                CompletableFuture.supplyAsync(() -> b.coordinator().commit(CoordinatorFixture.writes(seenByB)));
        Thread.sleep(300); // well within the lease
        assertThat(held).as("b's commit waits for a's turn").isNotDone();

        a.requests().reset();
        CommitResult mine =
                a.coordinator().commit(CoordinatorFixture.writes(a.coordinator().current("x")), NO_DEADLINE, claim);
        assertThat(mine).isInstanceOf(CommitResult.Committed.class);
        // one write, and its cache worker's read of the claims on the notification of the release
        CoordinatorFixture.await(() -> a.requests().get("getChildren") >= 1);
        Thread.sleep(100);
        assertThat(a.requests().snapshot())
                .as("the commit and the release of the claim: one write request")
                .isEqualTo(Map.of("multi", 1L, "getChildren", 1L));
        assertThat(claim.held()).isFalse();
        assertThat(a.coordinator().claimsOn("x")).isEmpty();

        assertThat(held.get(10, TimeUnit.SECONDS))
                .as("b goes after a, on the version a replaced")
                .isInstanceOf(CommitResult.Conflict.class);
        CoordinatorFixture.await(() -> b.coordinator().claimsOn("x").isEmpty());
        assertThat(a.curator().getChildren().forPath(new CellPaths(fx.namespace).pathOf("x")))
                .isEmpty();
        claim.close(); // released already: nothing to do
    }

    @Test
    void aClaimThatIsNeverUsedHoldsOthersBackForItsLeaseAtMost() throws Exception {
        Claims.leaseNanos = TimeUnit.SECONDS.toNanos(1);
        Stalled s = stalledClaim("stalled", 0);
        Client a = s.holder();
        Coordinator.Claim claim = s.claim();
        assertThat(s.waited())
                .as("held back, but not for ever")
                .isBetween(TimeUnit.MILLISECONDS.toNanos(900), TimeUnit.SECONDS.toNanos(9));
        assertThat(claim.held()).as("its lease ran out here too").isFalse();
        // the claim stood meanwhile: a commit under it, on the current version, releases it
        CommitResult late = a.coordinator()
                .commit(
                        CoordinatorFixture.writes(
                                a.coordinator().fetch(List.of("stalled")).get(0)),
                        NO_DEADLINE,
                        claim);
        assertThat(late).isInstanceOf(CommitResult.Committed.class);
        assertThat(claim.held()).isFalse();
    }

    @Test
    void aClaimAsksForTwiceItsHoldersAttemptWithinBounds() {
        Claims.leaseNanos = TimeUnit.SECONDS.toNanos(1);
        assertThat(Claims.nameFor(0)).isEqualTo("claim-1000-");
        assertThat(Claims.nameFor(TimeUnit.MILLISECONDS.toNanos(300))).isEqualTo("claim-1000-");
        assertThat(Claims.nameFor(TimeUnit.MILLISECONDS.toNanos(1500))).isEqualTo("claim-3000-");
        assertThat(Claims.nameFor(TimeUnit.HOURS.toNanos(1))).isEqualTo("claim-10000-");
        assertThat(Claims.nameFor(Long.MAX_VALUE)).isEqualTo("claim-10000-");
        // as ZooKeeper names them, after Curator's protection prefix
        String protection = "_c_0f4e9c6a-8d1b-4a77-9f0e-2b6d1c3a5e7f-";
        assertThat(Claims.leaseOf(protection + "claim-3000-0000000004")).isEqualTo(TimeUnit.SECONDS.toNanos(3));
        assertThat(Claims.leaseOf(protection + "claim-0000000004"))
                .as("a claim named before leases were")
                .isEqualTo(TimeUnit.SECONDS.toNanos(1));
        assertThat(Claims.leaseOf(protection + "claim-10-0000000004"))
                .as("never shorter than the least lease")
                .isEqualTo(TimeUnit.SECONDS.toNanos(1));
        assertThat(Claims.leaseOf(protection + "claim-999999999-0000000004"))
                .as("never longer than the greatest")
                .isEqualTo(Claims.MAX_LEASE_NANOS);
        assertThat(Claims.leaseOf("claim-123456789012345678901234567890-0000000004"))
                .isEqualTo(Claims.MAX_LEASE_NANOS);
        for (String odd :
                List.of("claim-12a4-0000000004", "claim--0000000004", "claim-3000_0000000004", "somebody-else", "")) {
            assertThat(Claims.leaseOf(odd)).as(odd).isEqualTo(TimeUnit.SECONDS.toNanos(1));
        }
    }

    @Test
    void aClaimOfASlowHolderHoldsOthersBackForTwiceItsAttempt() throws Exception {
        Claims.leaseNanos = TimeUnit.SECONDS.toNanos(1);
        // attempts of 1.5 s: the turn lasts 3 s, where a claim of a fast holder lasts 1 s
        Stalled s = stalledClaim("slow", TimeUnit.MILLISECONDS.toNanos(1500));
        assertThat(s.waited())
                .as("held back for the lease the claim asked for")
                .isBetween(TimeUnit.MILLISECONDS.toNanos(2800), TimeUnit.SECONDS.toNanos(12));
        s.claim().close();
    }

    /** A claim never used, and how long another client's commit waited for it. */
    private record Stalled(Client holder, Coordinator.Claim claim, long waited) {}

    /**
     * One client claims {@code name} (its attempts taking {@code attemptNanos}) and does nothing;
     * another, once it knows of the claim, commits a write of {@code name}, which must apply.
     */
    private static Stalled stalledClaim(String name, long attemptNanos) throws InterruptedException {
        CoordinatorFixture fx = new CoordinatorFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        a.coordinator().open(name, CoordinatorFixture.bytes("0"));
        b.coordinator().open(name, null);
        Coordinator.Claim claim = a.coordinator().claim(List.of(name), attemptNanos, NO_DEADLINE);
        CoordinatorFixture.await(() -> !b.coordinator().claimsOn(name).isEmpty());
        long start = System.nanoTime();
        CommitResult result =
                b.coordinator().commit(CoordinatorFixture.writes(b.coordinator().current(name)));
        long waited = System.nanoTime() - start;
        assertThat(result).isInstanceOf(CommitResult.Committed.class);
        return new Stalled(a, claim, waited);
    }

    @Test
    void aClaimGivesUpAtItsDeadlineAndLeavesNoClaimBehind() throws Exception {
        CoordinatorFixture fx = new CoordinatorFixture(zk);
        Client observer = fx.client();
        CutOff a = claimCutOff(fx, observer, "cut");
        long start = System.nanoTime();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> a.coordinator().claim(List.of("cut"), 0, System.nanoTime() + TimeUnit.SECONDS.toNanos(1)))
                .isInstanceOf(dev.synod.stm.TransactionTimeoutException.class)
                .hasMessageContaining("claiming a turn on 'cut'");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                .as("the caller's deadline, not the 10 s connection timeout and the retry policy")
                .isLessThan(6_000);
        a.reconnectAndExpectNoClaimOn("cut", observer);
    }

    @Test
    void anInterruptedClaimStopsAndLeavesNoClaimBehind() throws Exception {
        CoordinatorFixture fx = new CoordinatorFixture(zk);
        Client observer = fx.client();
        CutOff a = claimCutOff(fx, observer, "stopped");
        Thread caller = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
            caller.interrupt();
        });
        interrupter.start();
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> a.coordinator().claim(List.of("stopped"), 0, NO_DEADLINE))
                    .isInstanceOf(dev.synod.stm.StmInterruptedException.class)
                    .hasMessageContaining("claiming a turn on 'stopped'");
            assertThat(Thread.currentThread().isInterrupted())
                    .as("the flag is set again")
                    .isTrue();
        } finally {
            Thread.interrupted();
            interrupter.join();
        }
        a.reconnectAndExpectNoClaimOn("stopped", observer);
    }

    /** A client whose claim's create reached the server and whose connection was then cut off. */
    private record CutOff(
            dev.synod.zookeeper.testing.TcpProxy proxy,
            org.apache.curator.framework.CuratorFramework curator,
            ZkCoordinator coordinator,
            String namespace) {

        /**
         * Lets it reconnect: the create that went through is found again and deleted, since
         * nobody waits for it any more.
         */
        void reconnectAndExpectNoClaimOn(String name, Client observer) throws Exception {
            assertThat(proxy.drops()).as("the reply was cut off").isPositive();
            // the create applied: another client sees the claim
            CoordinatorFixture.await(
                    () -> !observer.coordinator().claimsOn(name).isEmpty());
            proxy.refuseConnections(false);
            assertThat(curator.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
            String cell = new CellPaths(namespace).pathOf(name);
            CoordinatorFixture.await(() -> {
                try {
                    return observer.curator().getChildren().forPath(cell).isEmpty();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    /**
     * A client through a proxy (10 s connection timeout, a retry policy of a few seconds) with
     * {@code name} open, set so that the next reply it gets (the one to a claim's create) is lost
     * and the server cannot be reached again until {@link CutOff#reconnectAndExpectNoClaimOn}.
     */
    private static CutOff claimCutOff(CoordinatorFixture fx, Client observer, String name) throws Exception {
        observer.coordinator().open(name, CoordinatorFixture.bytes("0"));
        dev.synod.zookeeper.testing.TcpProxy proxy =
                zk.track(new dev.synod.zookeeper.testing.TcpProxy(zk.server().getPort(), 1));
        org.apache.curator.framework.CuratorFramework curator =
                org.apache.curator.framework.CuratorFrameworkFactory.newClient(
                        proxy.connectString(),
                        60_000,
                        10_000,
                        new org.apache.curator.retry.ExponentialBackoffRetry(100, 5));
        curator.start();
        zk.track(curator);
        assertThat(curator.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
        ZkCoordinator a = zk.track(new ZkCoordinator(curator, false, fx.namespace));
        a.open(name, null);
        proxy.refuseConnections(true);
        proxy.dropOnNextReply(60);
        return new CutOff(proxy, curator, a, fx.namespace);
    }

    @Test
    void claimsQueueInOrderAndAClaimEndsWithItsSession() throws Exception {
        CoordinatorFixture fx = new CoordinatorFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Client c = fx.client();
        a.coordinator().open("q", CoordinatorFixture.bytes("0"));
        b.coordinator().open("q", null);
        c.coordinator().open("q", null);
        Coordinator.Claim first = a.coordinator().claim(List.of("q"), 0, NO_DEADLINE);
        CoordinatorFixture.await(() -> b.coordinator().claimsOn("q").size() == 1);
        CompletableFuture<Coordinator.Claim> second =
                CompletableFuture.supplyAsync(() -> b.coordinator().claim(List.of("q"), 0, NO_DEADLINE));
        CoordinatorFixture.await(() -> c.coordinator().claimsOn("q").size() == 2);
        Thread.sleep(200);
        assertThat(second).as("b queues behind a").isNotDone();

        zk.expireSession(a.curator()); // a's claim ends with a's session
        Coordinator.Claim bs = second.get(10, TimeUnit.SECONDS);
        assertThat(bs.held()).isTrue();
        CoordinatorFixture.await(() -> c.coordinator().claimsOn("q").size() == 1);

        // a's old claim is gone: its commit under it is a conflict and the claim is lost, even when
        // the commit would have lost its race too (the claim's delete comes first in the multi)
        CoordinatorFixture.await(() -> a.curator().getZookeeperClient().isConnected());
        Versioned before = a.coordinator().fetch(List.of("q")).get(0);
        assertThat(b.coordinator()
                        .commit(
                                CoordinatorFixture.writes(
                                        b.coordinator().fetch(List.of("q")).get(0)),
                                NO_DEADLINE,
                                bs))
                .isInstanceOf(CommitResult.Committed.class);
        assertThat(first.held()).as("not known lost yet").isTrue();
        CommitResult underLost = a.coordinator().commit(CoordinatorFixture.writes(before), NO_DEADLINE, first);
        assertThat(underLost).isInstanceOf(CommitResult.Conflict.class);
        assertThat(first.held()).isFalse();

        CoordinatorFixture.await(() -> c.coordinator().claimsOn("q").isEmpty());
        Coordinator.Claim unused = c.coordinator().claim(List.of("q"), 0, NO_DEADLINE);
        unused.close(); // released without a commit
        CoordinatorFixture.await(() -> b.coordinator().claimsOn("q").isEmpty());
        assertThat(b.coordinator()
                        .commit(CoordinatorFixture.writes(b.coordinator().current("q"))))
                .isInstanceOf(CommitResult.Committed.class);
    }

    @Test
    void aQueuedClaimsLeaseStartsWhenItGetsTheTurn() throws Exception {
        CoordinatorFixture fx = new CoordinatorFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Client c = fx.client();
        a.coordinator().open("line", CoordinatorFixture.bytes("0"));
        b.coordinator().open("line", null);
        c.coordinator().open("line", null);
        Claims.leaseNanos = TimeUnit.SECONDS.toNanos(2);
        Coordinator.Claim stalled = a.coordinator().claim(List.of("line"), 0, NO_DEADLINE); // never used
        CoordinatorFixture.await(() -> b.coordinator().claimsOn("line").size() == 1);
        long start = System.nanoTime();
        Coordinator.Claim queued = b.coordinator().claim(List.of("line"), 0, NO_DEADLINE);
        assertThat(System.nanoTime() - start)
                .as("b waited for a's lease")
                .isGreaterThan(TimeUnit.MILLISECONDS.toNanos(1500));
        assertThat(queued.held())
                .as("b's own lease starts now, not when it queued")
                .isTrue();
        CoordinatorFixture.await(() -> c.coordinator().claimsOn("line").size() == 2);
        CompletableFuture<CommitResult> held = CompletableFuture.supplyAsync(() ->
                c.coordinator().commit(CoordinatorFixture.writes(c.coordinator().current("line"))));
        Thread.sleep(500);
        assertThat(held).as("c holds back for b, a's lease having run out").isNotDone();
        assertThat(b.coordinator()
                        .commit(CoordinatorFixture.writes(b.coordinator().current("line")), NO_DEADLINE, queued))
                .isInstanceOf(CommitResult.Committed.class);
        assertThat(held.get(10, TimeUnit.SECONDS)).isInstanceOf(CommitResult.Conflict.class);
        stalled.close();
    }

    @Test
    void aCellWithAClaimOnItCanBeDeleted() throws Exception {
        CoordinatorFixture fx = new CoordinatorFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        a.coordinator().open("doomed", CoordinatorFixture.bytes("0"));
        b.coordinator().open("doomed", null);
        Coordinator.Claim claim = a.coordinator().claim(List.of("doomed"), 0, NO_DEADLINE);
        b.coordinator().delete("doomed");
        assertThat(a.curator().checkExists().forPath(new CellPaths(fx.namespace).pathOf("doomed")))
                .isNull();
        claim.close();
    }
}
