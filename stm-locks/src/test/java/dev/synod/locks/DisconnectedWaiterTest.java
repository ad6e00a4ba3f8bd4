package dev.synod.locks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.zookeeper.testing.RequestCounter;
import dev.synod.zookeeper.testing.TcpProxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

/**
 * A waiter that loses its connection honours its own timeout and interrupts: {@code tryLock(t)}
 * returns false by its deadline and {@code lockInterruptibly()} throws {@link InterruptedException}
 * when interrupted, even though the client's retry policy would keep a request going for minutes;
 * the node it leaves in the queue is deleted once the client is connected again. Both used to wait
 * for the retry policy (relisting the queue, waiting for a connection, deleting the node), and then
 * throw {@code CoordinationException}.
 */
class DisconnectedWaiterTest extends ZkTestSupport {

    @Test
    void aTimedWaiterCutOffAfterQueueingReturnsFalseByItsDeadline() throws Exception {
        String name = uniqueName("cut-timed");
        CuratorFramework other = newClient();
        DistributedReentrantLock holder = new DistributedReentrantLock(other, name);
        holder.lock();
        try (TcpProxy proxy = new TcpProxy(server.getPort(), 1)) {
            RequestCounter requests = new RequestCounter();
            CuratorFramework client = newPatientClientVia(proxy.connectString(), requests);
            long session = client.getZookeeperClient().getZooKeeper().getSessionId();
            DistributedReentrantLock waiter = new DistributedReentrantLock(client, name);
            CompletableFuture<Object> attempt = inBackground(() -> waiter.tryLock(3, TimeUnit.SECONDS));
            // its node created, the queue listed, the holder's node watched: it waits
            eventually("the waiter waits", () -> requests.get("getData") > 0);
            assertThat(attempt).isNotDone();

            long cut = System.nanoTime();
            proxy.refuseConnections(true);
            proxy.dropConnections();
            Object outcome = attempt.get(3 + 5, TimeUnit.SECONDS); // its timeout, and plenty to spare
            assertThat(outcome).isEqualTo(false);
            assertThat(Duration.ofNanos(System.nanoTime() - cut)).isLessThan(Duration.ofSeconds(8));
            assertThat(lockNodes(other, name)).as("its session lives on").hasSize(2);

            assertDeletedOnReconnecting(proxy, other, name, client, session);
        } finally {
            holder.unlock();
        }
        assertThat(lockNodes(other, name)).isEmpty();
    }

    @Test
    void anInterruptedWaiterCutOffAfterQueueingThrowsInterruptedExceptionAtOnce() throws Exception {
        String name = uniqueName("cut-interrupted");
        CuratorFramework other = newClient();
        DistributedReentrantLock holder = new DistributedReentrantLock(other, name);
        holder.lock();
        try (TcpProxy proxy = new TcpProxy(server.getPort(), 1)) {
            RequestCounter requests = new RequestCounter();
            CuratorFramework client = newPatientClientVia(proxy.connectString(), requests);
            long session = client.getZookeeperClient().getZooKeeper().getSessionId();
            DistributedReentrantLock waiter = new DistributedReentrantLock(client, name);
            Interruptible attempt = new Interruptible(() -> {
                waiter.lockInterruptibly();
                return "acquired";
            });
            // its node created, the queue listed, the holder's node watched: it waits
            eventually("the waiter waits", () -> requests.get("getData") > 0);

            proxy.refuseConnections(true);
            proxy.dropConnections();
            eventually("the client saw the drop", () -> !client.getZookeeperClient()
                    .isConnected());
            assertInterruptedPromptly(attempt);

            assertDeletedOnReconnecting(proxy, other, name, client, session);
        } finally {
            holder.unlock();
        }
        assertThat(lockNodes(other, name)).isEmpty();
    }

    @Test
    void anInterruptibleAcquireWaitingForAConnectionThrowsInterruptedExceptionWhenInterrupted() throws Exception {
        String name = uniqueName("no-connection-interrupted");
        try (TcpProxy proxy = new TcpProxy(server.getPort(), 1)) {
            CuratorFramework client = newPatientClientVia(proxy.connectString(), null);
            DistributedReentrantLock lock = new DistributedReentrantLock(client, name);
            proxy.refuseConnections(true);
            proxy.dropConnections();
            eventually("the client saw the drop", () -> !client.getZookeeperClient()
                    .isConnected());

            Interruptible attempt = new Interruptible(() -> {
                lock.lockInterruptibly();
                return "acquired";
            });
            eventually(
                    "the acquire waits",
                    () -> attempt.thread.getState() == Thread.State.TIMED_WAITING
                            || attempt.thread.getState() == Thread.State.WAITING);
            assertInterruptedPromptly(attempt);

            proxy.refuseConnections(false);
            assertThat(client.blockUntilConnected(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(lockNodes(newClient(), name)).isEmpty();
    }

    @FunctionalInterface
    private interface Attempt {
        Object run() throws Exception;
    }

    /** Runs {@code body} in a thread of its own; completes with its result or what it threw. */
    private static CompletableFuture<Object> inBackground(Attempt body) {
        return new Interruptible(body).result;
    }

    /** An attempt in a thread of its own, to be interrupted; records the flag as it ends. */
    private static final class Interruptible {
        final CompletableFuture<Object> result = new CompletableFuture<>();
        final Thread thread;
        volatile boolean interruptedAfter;

        Interruptible(Attempt body) {
            thread = new Thread(
                    () -> {
                        Object outcome;
                        try {
                            outcome = body.run();
                        } catch (Exception e) {
                            outcome = e;
                        }
                        interruptedAfter = Thread.currentThread().isInterrupted();
                        result.complete(outcome);
                    },
                    "lock-waiter");
            thread.setDaemon(true); // left waiting if the lock hangs; closing the clients ends its wait
            thread.start();
        }
    }

    /** Once reconnected, the waiter's node is deleted (only the holder's stays), on the same session. */
    private void assertDeletedOnReconnecting(
            TcpProxy proxy, CuratorFramework other, String name, CuratorFramework client, long session)
            throws Exception {
        proxy.refuseConnections(false);
        eventually("the waiter's node deleted", () -> lockNodes(other, name).size() == 1);
        assertThat(client.getZookeeperClient().getZooKeeper().getSessionId())
                .as("deleted, not expired")
                .isEqualTo(session);
    }

    /** Interrupts the attempt: it ends with InterruptedException within 5 s, the interrupt consumed. */
    private void assertInterruptedPromptly(Interruptible attempt) throws Exception {
        long interrupted = System.nanoTime();
        attempt.thread.interrupt();
        Object outcome = attempt.result.get(5, TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOf(InterruptedException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - interrupted)).isLessThan(Duration.ofSeconds(5));
        assertThat(attempt.interruptedAfter).as("the interrupt was consumed").isFalse();
    }
}
