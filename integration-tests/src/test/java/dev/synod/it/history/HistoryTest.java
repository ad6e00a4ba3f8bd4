package dev.synod.it.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HistoryTest {
    private final AtomicLong clock = new AtomicLong();
    private final History history = History.withClock(() -> clock.addAndGet(10));

    @Test
    void completionCarriesTheInvokeStartAndItsOwnEnd() {
        Op invoke = history.invoke(1, 2, "read", null);
        Op ok = history.ok(invoke, IntNode.valueOf(5));

        assertThat(invoke).isEqualTo(new Op(0, 1, 2, OpType.INVOKE, "read", null, 10, Op.NO_END, null));
        assertThat(ok).isEqualTo(new Op(1, 1, 2, OpType.OK, "read", IntNode.valueOf(5), 10, 20, null));
        assertThat(ok.latencyNanos()).isEqualTo(10);
        assertThat(history.ops()).containsExactly(invoke, ok);
    }

    @Test
    void aStreamingHistoryHandsEachOpOnInOrderAndKeepsNone() {
        List<Op> seen = new ArrayList<>();
        History streaming = History.streaming(seen::add);
        Op invoke = streaming.invoke(1, 0, "read", null);
        Op ok = streaming.ok(invoke, IntNode.valueOf(5));

        assertThat(seen).containsExactly(invoke, ok);
        assertThat(seen).extracting(Op::index).containsExactly(0L, 1L);
        assertThat(streaming.size()).isEqualTo(2);
        assertThatThrownBy(streaming::ops).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void invokeWithoutCompletionIsInfo() {
        Op first = history.invoke(1, 1, "incr", null);
        Op failed = history.fail(history.invoke(1, 2, "incr", null), null, "conflict");
        Op again = history.invoke(1, 1, "incr", null); // thread 1 gave up on its first op

        List<Op> completions = History.completions(history.ops());

        assertThat(completions).hasSize(3);
        assertThat(completions.get(0)).isEqualTo(failed);
        assertThat(completions.get(1))
                .isEqualTo(new Op(first.index(), 1, 1, OpType.INFO, "incr", null, 10, Op.NO_END, "no completion"));
        assertThat(completions.get(2).index()).isEqualTo(again.index());
        assertThat(completions.get(2).type()).isEqualTo(OpType.INFO);
    }

    @Test
    void onlyAnInvokeCompletes() {
        Op invoke = history.invoke(1, 1, "read", null);
        Op ok = history.ok(invoke, null);

        assertThatThrownBy(() -> history.ok(ok, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("only an invoke completes, with ok, fail or info; was OK -> OK");
        assertThatThrownBy(() -> new Op(0, 0, 0, OpType.OK, "f", null, 5, 4, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("endNanos must be >= startNanos (5) but was 4");
    }

    @Test
    void mergeOrdersEventsByTimeAndReindexes() {
        Op a = new Op(0, 1, 0, OpType.OK, "f", TextNode.valueOf("a"), 0, 30, null);
        Op b = new Op(0, 2, 0, OpType.INVOKE, "f", TextNode.valueOf("b"), 20, Op.NO_END, null);
        Op c = new Op(1, 2, 0, OpType.OK, "f", TextNode.valueOf("c"), 20, 25, null);

        List<Op> merged = History.merge(List.of(List.of(a), List.of(b, c)));

        assertThat(merged).extracting(op -> op.value().asText()).containsExactly("b", "c", "a");
        assertThat(merged).extracting(Op::index).containsExactly(0L, 1L, 2L);
    }

    @Test
    void concurrentRecordersGetDistinctIndexes() throws InterruptedException {
        History shared = History.create();
        int threads = 4;
        int perThread = 500;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    shared.ok(shared.invoke(0, thread, "incr", null), null);
                }
            });
            worker.start();
            workers.add(worker);
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }

        List<Op> ops = shared.ops();

        assertThat(ops).hasSize(2 * threads * perThread);
        assertThat(ops).extracting(Op::index).doesNotHaveDuplicates().isSorted();
        assertThat(History.completions(ops)).hasSize(threads * perThread).allMatch(Op::isOk);
    }

    @Test
    void clientProcessesTakeTheClockBaseOfTheRun() {
        long[] base = History.parseClockBase(History.clockBase());
        assertThat(base).hasSize(2);
        long now = History.wallClockNanos();
        assertThat(base[0] + (System.nanoTime() - base[1]))
                .as("the base passed on gives this process's own clock")
                .isBetween(now, now + 1_000_000_000L);
        assertThat(History.parseClockBase("1796288255597160710,123456789"))
                .containsExactly(1796288255597160710L, 123456789L);
        assertThat(History.parseClockBase(null)).isNull();
        assertThat(History.parseClockBase("12")).isNull();
        assertThat(History.parseClockBase("a,b")).isNull();
        assertThat(History.parseClockBase("1,2,3")).isNull();
    }
}
