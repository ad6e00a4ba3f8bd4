package dev.synod.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.synod.locks.DistributedReentrantLock;
import dev.synod.stm.Codec;
import dev.synod.stm.Ref;
import dev.synod.zookeeper.ZooKeeperStm;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

/** watch prints changes as they happen; locks shows holders, waiters and fencing tokens. */
class WatchAndLocksTest extends CliTestSupport {
    @Test
    void watchPrintsEachChangeWithOldAndNewValue() throws Exception {
        Watched w = watchedAfterOneChange("watched");
        String name = w.name();
        w.stm().run(txn -> w.ref().set(3));
        Result r = w.watch().result();
        assertThat(r.code()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).endsWith(name + " changed version 1: 1 -> 2");
        assertThat(lines.get(2)).endsWith(name + " changed version 2: 2 -> 3");
    }

    @Test
    void watchEndsWhenNobodyReadsItsOutputAnyMore() throws Exception {
        String name = unique("unread");
        ZooKeeperStm stm = closeLater(ZooKeeperStm.connect(connect()));
        Ref<Integer> ref = stm.ref(name, Codec.json(Integer.class), 1);
        // as `synod watch NAME | head -1` once head has gone: every write to stdout fails
        java.io.PrintStream gone = new java.io.PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("Broken pipe");
            }
        });
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        CompletableFuture<Integer> watch = CompletableFuture.supplyAsync(
                () -> Synod.run(
                        new String[] {"watch", name, "--connect", connect()}, gone, new java.io.PrintStream(err, true)),
                pool);
        for (int i = 2; i < 50 && !watch.isDone(); i++) {
            int v = i;
            stm.run(txn -> ref.set(v));
            Thread.sleep(100);
        }
        assertThat(watch.get(10, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void watchJsonIsOneObjectPerLineAndReportsDeletion() throws Exception {
        String name = unique("watched-json");
        ZooKeeperStm stm = closeLater(ZooKeeperStm.connect(connect()));
        Ref<String> ref = stm.ref(name, Codec.json(String.class), "a");
        CapturedRun watch = start("watch", name, "--json", "--count", "2", "--connect", connect());
        watch.awaitOutput("\"event\":\"watching\"");
        stm.run(txn -> ref.set("b"));
        watch.awaitOutput("\"new\":\"b\"");
        ref.destroy();
        Result r = watch.result();
        assertThat(r.code()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines)
                .containsExactly(
                        "{\"name\":\"" + name + "\",\"event\":\"watching\",\"version\":0,\"value\":\"a\"}",
                        "{\"name\":\"" + name + "\",\"event\":\"changed\",\"version\":1,\"old\":\"a\",\"new\":\"b\"}",
                        "{\"name\":\"" + name + "\",\"event\":\"deleted\",\"version\":-1,\"old\":\"b\",\"new\":null}");
    }

    @Test
    void locksShowsTheHolderItsFencingTokenAndTheWaiter() throws Exception {
        String lockName = unique("orders");
        CuratorFramework a = rawClient();
        CuratorFramework b = rawClient();
        DistributedReentrantLock held = new DistributedReentrantLock(a, lockName);
        DistributedReentrantLock waiting = new DistributedReentrantLock(b, lockName);
        held.lock();
        CountDownLatch got = new CountDownLatch(1);
        pool.submit(() -> {
            waiting.lockInterruptibly();
            got.countDown();
            waiting.unlock();
            return null;
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (a.getChildren().forPath("/synod/locks/" + lockName).size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long sessionA = a.getZookeeperClient().getZooKeeper().getSessionId();
        long sessionB = b.getZookeeperClient().getZooKeeper().getSessionId();

        Result text = synodHere("locks", lockName);
        assertThat(text.code()).isZero();
        List<String> lines = text.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo(lockName + ": held (1), 1 waiting");
        assertThat(lines.get(1))
                .isEqualTo("  holder  write session 0x" + Long.toHexString(sessionA) + "  fencing token 0x"
                        + Long.toHexString(held.fencingToken()));
        assertThat(lines.get(2)).startsWith("  waiter  write session 0x" + Long.toHexString(sessionB) + "  queued at");

        Result json = synodHere("locks", "--json");
        assertThat(json.code()).isZero();
        JsonNode lock = null;
        for (JsonNode l : Json.MAPPER.readTree(json.out())) {
            if (l.get("name").asText().equals(lockName)) {
                lock = l;
            }
        }
        assertThat(lock).isNotNull();
        assertThat(lock.get("holders")).hasSize(1);
        assertThat(lock.get("holders").get(0).get("fencingToken").asLong()).isEqualTo(held.fencingToken());
        assertThat(lock.get("holders").get(0).get("session").asText()).isEqualTo("0x" + Long.toHexString(sessionA));
        assertThat(lock.get("waiters")).hasSize(1);

        held.unlock();
        assertThat(got.await(10, TimeUnit.SECONDS)).isTrue();
        Result free = synodHere("locks", lockName);
        assertThat(free.out().trim()).isEqualTo(lockName + ": free");
    }
}
