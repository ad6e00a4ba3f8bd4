package dev.synod.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

/**
 * Per-thread reentrancy (across lock objects of one client and name, too), hold counts, j.u.c.
 * ownership rules and name validation.
 */
class ReentrancyAndOwnershipTest extends ZkTestSupport {

    @Test
    void holdCountsFollowNestedLockAndUnlock() throws Exception {
        CuratorFramework client = newClient();
        String name = uniqueName("reentrant");
        DistributedReentrantLock lock = new DistributedReentrantLock(client, name);
        assertThat(lock.getHoldCount()).isZero();
        assertThat(lock.isHeldByCurrentThread()).isFalse();

        lock.lock();
        long token = lock.fencingToken();
        lock.lock();
        assertThat(lock.tryLock()).isTrue();
        assertThat(lock.getHoldCount()).isEqualTo(3);
        assertThat(lock.fencingToken()).isEqualTo(token);
        assertThat(lockNodes(client, name)).hasSize(1);

        lock.unlock();
        lock.unlock();
        assertThat(lock.getHoldCount()).isEqualTo(1);
        assertThat(lock.isHeldByCurrentThread()).isTrue();
        lock.unlock();
        assertThat(lock.getHoldCount()).isZero();
        assertThat(lock.isHeldByCurrentThread()).isFalse();
        assertThat(lockNodes(client, name)).isEmpty();
    }

    @Test
    void unlockByANonOwnerThrowsIllegalMonitorState() throws Exception {
        CuratorFramework client = newClient();
        DistributedReentrantLock lock = new DistributedReentrantLock(client, uniqueName("owner"));
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(lock::fencingToken).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(lock::guard).isInstanceOf(IllegalMonitorStateException.class);

        lock.lock();
        try {
            CompletableFuture<Throwable> other = CompletableFuture.supplyAsync(() -> {
                try {
                    lock.unlock();
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            assertThat(other.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalMonitorStateException.class);
            assertThat(lock.isHeldByCurrentThread()).isTrue();
        } finally {
            lock.unlock();
        }
    }

    @Test
    void threadsOfOneProcessExcludeEachOther() throws Exception {
        CuratorFramework client = newClient();
        DistributedReentrantLock lock = new DistributedReentrantLock(client, uniqueName("threads"));
        lock.lock();
        try {
            Boolean got = CompletableFuture.supplyAsync(lock::tryLock).get(10, TimeUnit.SECONDS);
            assertThat(got).isFalse();
        } finally {
            lock.unlock();
        }
        Boolean got = CompletableFuture.supplyAsync(() -> {
                    boolean ok = lock.tryLock();
                    if (ok) {
                        lock.unlock();
                    }
                    return ok;
                })
                .get(10, TimeUnit.SECONDS);
        assertThat(got).isTrue();
    }

    @Test
    void invalidNamesAreRejectedWithTheBadValue() {
        CuratorFramework client = newClient();
        assertThatThrownBy(() -> new DistributedReentrantLock(client, "a b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a b'");
        assertThatThrownBy(() -> new DistributedReentrantLock(client, "/abs"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DistributedReentrantLock(client, "a//b"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DistributedReentrantLock(client, "a/../b"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DistributedReentrantLock(client, "x~y"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DistributedReentrantLock(client, "n".repeat(401)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 400 characters");
        new DistributedReentrantLock(client, "n".repeat(400)); // the longest accepted
        assertThatThrownBy(() -> new DistributedReentrantLock(client, "ok", "relative"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DistributedReentrantLock(client, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new DistributedReentrantLock(null, "ok")).isInstanceOf(NullPointerException.class);
        assertThat(new DistributedReentrantLock(client, "a.b/c-d/E_9").name()).isEqualTo("a.b/c-d/E_9");
    }

    @Test
    void nestedLockNamesDoNotDisturbEachOther() throws Exception {
        CuratorFramework client = newClient();
        String parent = uniqueName("parent");
        DistributedReentrantLock outer = new DistributedReentrantLock(client, parent);
        DistributedReentrantLock inner = new DistributedReentrantLock(client, parent + "/child");
        inner.lock();
        try {
            assertThat(CompletableFuture.supplyAsync(() -> {
                                boolean ok = outer.tryLock();
                                if (ok) {
                                    outer.unlock();
                                }
                                return ok;
                            })
                            .get(10, TimeUnit.SECONDS))
                    .isTrue();
        } finally {
            inner.unlock();
        }
    }

    @Test
    void aNamespacedClientLocksInsideItsNamespace() throws Exception {
        CuratorFramework client = newClient();
        CuratorFramework namespaced = client.usingNamespace("app");
        String name = uniqueName("ns");
        DistributedReentrantLock lock = new DistributedReentrantLock(namespaced, name);
        lock.lock();
        try {
            assertThat(lock.guard().path()).startsWith("/app/synod/locks/" + name + "/");
            assertThat(client.checkExists().forPath(lock.guard().path())).isNotNull();
        } finally {
            lock.unlock();
        }
    }

    @Test
    void lockObjectsOfOneClientAndNameAreOneReentrantLock() throws Exception {
        CuratorFramework client = newClient();
        String name = uniqueName("same-lock");
        DistributedReentrantLock a = new DistributedReentrantLock(client, name);
        DistributedReentrantLock b = new DistributedReentrantLock(client, name);
        List<Object> seen = inOneThread(() -> {
            a.lock();
            b.lock(); // the same lock, held already: reentrant, not a wait for itself
            try {
                Boolean otherThreadGotIt =
                        CompletableFuture.supplyAsync(b::tryLock).get(10, TimeUnit.SECONDS);
                return List.of(
                        a.getHoldCount(),
                        b.getHoldCount(),
                        a.fencingToken() == b.fencingToken(),
                        lockNodes(client, name).size(),
                        otherThreadGotIt);
            } finally {
                b.unlock();
                a.unlock();
            }
        });
        assertThat(seen).containsExactly(2, 2, true, 1, false);
        assertThat(lockNodes(client, name)).isEmpty();
    }

    @Test
    void aNamespaceFacadeOfTheClientSharesTheLockToo() throws Exception {
        CuratorFramework client = newClient();
        String name = uniqueName("facade");
        DistributedReentrantLock viaFacade = new DistributedReentrantLock(client.usingNamespace("app"), name);
        DistributedReentrantLock direct = new DistributedReentrantLock(client, "/app/synod", name);
        int holds = inOneThread(() -> {
            viaFacade.lock();
            direct.lock();
            int count = viaFacade.getHoldCount();
            direct.unlock();
            viaFacade.unlock();
            return count;
        });
        assertThat(holds).isEqualTo(2);
        assertThat(client.getChildren().forPath("/app/synod/locks/" + name)).isEmpty();
    }

    @Test
    void basePathsWithDotSegmentsAreRejectedAtConstruction() {
        CuratorFramework client = newClient();
        for (String basePath : List.of("/.", "/..", "/a/..", "/a/./b", "/../a")) {
            assertThatThrownBy(() -> new DistributedReentrantLock(client, basePath, "ok"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + basePath + "'");
            assertThatThrownBy(() -> new DistributedReentrantReadWriteLock(client, basePath, "ok"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new LockInspector(client, basePath)).isInstanceOf(IllegalArgumentException.class);
        }
        // dots within a segment are fine
        assertThat(new DistributedReentrantLock(client, "/a.b/..c/d..", "ok").name())
                .isEqualTo("ok");
    }
}
