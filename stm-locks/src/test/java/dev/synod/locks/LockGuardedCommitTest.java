package dev.synod.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.Codec;
import dev.synod.stm.LockLostException;
import dev.synod.stm.Ref;
import dev.synod.stm.spi.CommitGuard;
import dev.synod.zookeeper.ZooKeeperStm;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

/**
 * Writes made under a lock cannot commit after the lock was lost: the transaction's one commit
 * request carries a check on the lock node, so a holder whose session expired on the server (and
 * whose lock another client now holds) gets {@link LockLostException} and nothing is applied.
 */
class LockGuardedCommitTest extends ZkTestSupport {

    @Test
    void aStaleHoldersGuardedCommitIsRejectedAfterItsSessionExpiredOnTheServer() throws Exception {
        String lockName = uniqueName("guarded");
        CuratorFramework holderClient = newClient();
        CuratorFramework otherClient = newClient();
        try (ZooKeeperStm holderStm =
                        ZooKeeperStm.builder().client(holderClient).build();
                ZooKeeperStm otherStm =
                        ZooKeeperStm.builder().client(otherClient).build()) {
            Ref<Long> counter = holderStm.ref(lockName, Codec.json(Long.class), 0L);
            DistributedReentrantLock holderLock = new DistributedReentrantLock(holderClient, lockName);
            CountDownLatch lost = new CountDownLatch(1);
            holderLock.addListener(new LockListener() {
                @Override
                public void onLost(String lock) {
                    lost.countDown();
                }
            });

            holderLock.lock();
            CommitGuard guard = holderLock.guard();
            holderStm.run(txn -> {
                txn.guard(guard);
                counter.alter(x -> x + 1);
            });
            assertThat(counter.get()).isEqualTo(1L);

            expireOnServer(holderClient);
            assertThat(lost.await(20, TimeUnit.SECONDS))
                    .as("the holder learns it lost the lock")
                    .isTrue();
            assertThat(holderLock.isHeldByCurrentThread()).isFalse();
            DistributedReentrantLock otherLock = new DistributedReentrantLock(otherClient, lockName);
            assertThat(otherLock.tryLock(10, TimeUnit.SECONDS)).isTrue();

            // The stale holder still believes its guard, e.g. after a pause: the commit is refused.
            assertThatThrownBy(() -> holderStm.run(txn -> {
                        txn.guard(guard);
                        counter.alter(x -> x + 100);
                    }))
                    .isInstanceOf(LockLostException.class)
                    .hasMessageContaining("lock '" + lockName + "'")
                    .hasMessageContaining("nothing was applied");
            Ref<Long> seenByOther = otherStm.ref(lockName, Codec.json(Long.class));
            assertThat(seenByOther.get()).isEqualTo(1L);

            // The new holder's guarded commit goes through.
            CommitGuard otherGuard = otherLock.guard();
            otherStm.run(txn -> {
                txn.guard(otherGuard);
                seenByOther.alter(x -> x + 1);
            });
            assertThat(seenByOther.get()).isEqualTo(2L);
            otherLock.unlock();
            assertThatThrownBy(holderLock::unlock).isInstanceOf(LockLostException.class);
        }
    }
}
