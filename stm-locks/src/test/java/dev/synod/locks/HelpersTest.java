package dev.synod.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.StmInterruptedException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

/** acquire() handles, withLock and tryWithLock (Avout's with-lock, when-lock, if-lock). */
class HelpersTest extends ZkTestSupport {

    @Test
    void heldLockReleasesOnCloseAndClosingTwiceIsSafe() throws Exception {
        CuratorFramework client = newClient();
        String name = uniqueName("held");
        DistributedReentrantLock lock = new DistributedReentrantLock(client, name);
        HeldLock held = lock.acquire();
        try (held) {
            assertThat(lock.isHeldByCurrentThread()).isTrue();
            assertThat(held.guard().path()).startsWith("/synod/locks/" + name + "/");
        }
        assertThat(held.isClosed()).isTrue();
        held.close();
        assertThat(lock.getHoldCount()).isZero();
        assertThat(lockNodes(client, name)).isEmpty();
    }

    @Test
    void heldLockMustBeClosedByItsThread() throws Exception {
        DistributedReentrantLock lock = new DistributedReentrantLock(newClient(), uniqueName("held-thread"));
        try (HeldLock held = lock.acquire()) {
            Throwable failure = CompletableFuture.supplyAsync(() -> {
                        try {
                            held.close();
                            return null;
                        } catch (Throwable t) {
                            return t;
                        }
                    })
                    .get(10, TimeUnit.SECONDS);
            assertThat(failure).isInstanceOf(IllegalMonitorStateException.class);
            assertThat(held.isClosed()).isFalse();
        }
    }

    @Test
    void withLockRunsTheBodyHoldingTheLockAndPassesItsExceptionThrough() {
        DistributedReentrantLock lock = new DistributedReentrantLock(newClient(), uniqueName("with"));
        assertThat(lock.withLock(() -> lock.getHoldCount())).isEqualTo(1);
        AtomicBoolean ran = new AtomicBoolean();
        lock.withLock(() -> ran.set(lock.isHeldByCurrentThread()));
        assertThat(ran).isTrue();
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> lock.withLock((Runnable) () -> {
                    throw boom;
                }))
                .isSameAs(boom);
        assertThat(lock.isHeldByCurrentThread()).isFalse();
    }

    @Test
    void tryWithLockGivesUpAfterTheTimeout() throws Exception {
        String name = uniqueName("try-with");
        DistributedReentrantLock holder = new DistributedReentrantLock(newClient(), name);
        DistributedReentrantLock other = new DistributedReentrantLock(newClient(), name);
        assertThat(other.tryWithLock(Duration.ofSeconds(5), () -> "free")).contains("free");
        holder.lock();
        try {
            Optional<String> result = CompletableFuture.supplyAsync(
                            () -> other.tryWithLock(Duration.ofMillis(200), () -> "taken"))
                    .get(10, TimeUnit.SECONDS);
            assertThat(result).isEmpty();
            Boolean ran = CompletableFuture.supplyAsync(() -> other.tryWithLock(Duration.ofMillis(100), () -> {}))
                    .get(10, TimeUnit.SECONDS);
            assertThat(ran).isFalse();
        } finally {
            holder.unlock();
        }
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> other.tryWithLock(Duration.ofSeconds(1), () -> "x"))
                .isInstanceOf(StmInterruptedException.class);
        assertThat(Thread.interrupted()).isTrue();
    }
}
