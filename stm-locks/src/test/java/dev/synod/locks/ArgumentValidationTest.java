package dev.synod.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad arguments fail at once with an exception naming them, before any ZooKeeper request; a
 * timeout too long to count in nanoseconds means "wait as long as it takes".
 */
class ArgumentValidationTest extends ZkTestSupport {

    /** The objects a case calls, on one client. */
    record Locks(
            CuratorFramework client,
            DistributedReentrantLock mutex,
            DistributedReentrantReadWriteLock rw,
            LockInspector inspector) {}

    static Stream<Arguments> nullArguments() {
        return Stream.of(
                nullCase("tryLock(time, null)", "unit", l -> () -> l.mutex().tryLock(1, null)),
                nullCase(
                        "writeLock().tryLock(time, null)",
                        "unit",
                        l -> () -> l.rw().writeLock().tryLock(1, null)),
                nullCase("newCondition(null)", "name", l -> () -> l.mutex().newCondition(null)),
                nullCase(
                        "writeLock().newCondition(null)",
                        "name",
                        l -> () -> l.rw().writeLock().newCondition(null)),
                nullCase(
                        "readLock().newCondition(null)",
                        "name",
                        l -> () -> l.rw().readLock().newCondition(null)),
                nullCase("addListener(null)", "listener", l -> () -> l.mutex().addListener(null)),
                nullCase(
                        "readLock().addListener(null)",
                        "listener",
                        l -> () -> l.rw().readLock().addListener(null)),
                nullCase("rw.addListener(null)", "listener", l -> () -> l.rw().addListener(null)),
                nullCase(
                        "removeListener(null)", "listener", l -> () -> l.mutex().removeListener(null)),
                nullCase(
                        "LockInspector.lock(null)",
                        "name",
                        l -> () -> l.inspector().lock(null)),
                nullCase(
                        "tryWithLock(null, body)",
                        "timeout",
                        l -> () -> l.mutex().tryWithLock(null, () -> "x")),
                nullCase(
                        "tryWithLock(timeout, null)",
                        "body",
                        l -> () -> l.mutex().tryWithLock(Duration.ZERO, (Supplier<String>) null)),
                nullCase("withLock(null)", "body", l -> () -> l.mutex().withLock((Runnable) null)),
                nullCase(
                        "new DistributedReentrantLock(null, name)",
                        "client",
                        l -> () -> new DistributedReentrantLock(null, "x")),
                nullCase(
                        "new DistributedReentrantLock(client, null)",
                        "name",
                        l -> () -> new DistributedReentrantLock(l.client(), null)),
                nullCase(
                        "new DistributedReentrantLock(client, null, name)",
                        "basePath",
                        l -> () -> new DistributedReentrantLock(l.client(), null, "x")),
                nullCase(
                        "new DistributedReentrantReadWriteLock(null, name)",
                        "client",
                        l -> () -> new DistributedReentrantReadWriteLock(null, "x")),
                nullCase("new LockInspector(null)", "client", l -> () -> new LockInspector(null)));
    }

    private static Arguments nullCase(String call, String parameter, Function<Locks, ThrowingCallable> method) {
        return Arguments.of(call, parameter, method);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nullArguments")
    void aNullArgumentIsNamed(String call, String parameter, Function<Locks, ThrowingCallable> method) {
        CuratorFramework client = newClient();
        String name = uniqueName("args");
        Locks locks = new Locks(
                client,
                new DistributedReentrantLock(client, name),
                new DistributedReentrantReadWriteLock(client, name + "-rw"),
                new LockInspector(client));
        assertThatThrownBy(method.apply(locks))
                .isInstanceOf(NullPointerException.class)
                .hasMessage(parameter + " must not be null");
    }

    @Test
    void aTimeoutTooLongForNanosecondsWaitsAsLongAsItTakes() {
        CuratorFramework client = newClient();
        DistributedReentrantLock lock = new DistributedReentrantLock(client, uniqueName("forever"));
        Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
        assertThat(lock.tryWithLock(forever, () -> lock.getHoldCount())).contains(1);
        assertThat(lock.tryWithLock(forever, () -> {})).isTrue();
        // and a hugely negative one is an expired timeout: a free lock is still taken
        assertThat(lock.tryWithLock(Duration.ofSeconds(Long.MIN_VALUE), () -> "free"))
                .contains("free");
        assertThat(lock.isHeldByCurrentThread()).isFalse();
    }

    @Test
    void aClientNotStartedOrAlreadyClosedIsRefusedAtConstruction() {
        CuratorFramework latent = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(10));
        CuratorFramework closed = newClient();
        closed.close();
        for (CuratorFramework client : List.of(latent, closed)) {
            String expected = client == latent ? "not started: call start()" : "was closed";
            List<ThrowingCallable> constructors = List.of(
                    () -> new DistributedReentrantLock(client, "x"),
                    () -> new DistributedReentrantLock(client, "/base", "x"),
                    () -> new DistributedReentrantReadWriteLock(client, "x"),
                    () -> new DistributedReentrantReadWriteLock(client, "/base", "x"),
                    () -> new LockInspector(client),
                    () -> new LockInspector(client, "/base"));
            for (ThrowingCallable constructor : constructors) {
                assertThatThrownBy(constructor)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining(expected);
            }
        }
        latent.close();
    }
}
