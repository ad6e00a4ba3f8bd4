package dev.synod.zookeeper.internal;

import dev.synod.stm.spi.Versioned;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * Reads cells with asynchronous requests: one {@code getData} for one cell, one read-only {@code
 * multi} of {@code getData}s for several (one server state, one round trip). A read whose reply
 * could exceed the client's packet limit is split into several multis, each at its own state.
 *
 * <p>Replies are handled on the ZooKeeper event thread, in order with watch notifications: that
 * is what makes a read usable as a barrier (see {@link ReadPoint}).
 */
final class CellReader {
    /** Per-cell reply overhead assumed when splitting reads: reply header, stat, path, op header. */
    private static final int PER_CELL_OVERHEAD = 256;

    /**
     * @param values one entry per requested name, in order; {@code null} for a missing cell
     * @param maxStamp the highest mzxid read
     */
    record Result(List<Versioned> values, long maxStamp) {}

    private final CellPaths paths;
    private final int replyBudget;
    private final ToIntFunction<String> sizeHint;

    /**
     * @param replyBudget the most bytes of cell data (plus overhead) to ask for in one reply
     * @param sizeHint last known size of a cell, used to split large reads
     */
    CellReader(CellPaths paths, int replyBudget, ToIntFunction<String> sizeHint) {
        this.paths = paths;
        this.replyBudget = replyBudget;
        this.sizeHint = sizeHint;
    }

    /**
     * Sends the read (after a pipelined {@code sync} if asked) and returns at once.
     *
     * @param onReply called on the ZooKeeper event thread with the complete result, before the
     *     future completes (if it throws, the future completes with that exception); may be null
     * @return completes with the result, or exceptionally with a {@link KeeperException}
     */
    CompletableFuture<Result> read(ZooKeeper zk, List<String> names, boolean syncFirst, Consumer<Result> onReply) {
        CompletableFuture<Result> future = new CompletableFuture<>();
        if (names.isEmpty()) {
            Result empty = new Result(List.of(), 0);
            if (onReply != null) {
                onReply.accept(empty);
            }
            future.complete(empty);
            return future;
        }
        if (syncFirst) {
            // pipelined: the server answers the read only after the sync, no extra round trip
            zk.sync(paths.cellsRoot(), (rc, path, ctx) -> {}, null);
        }
        List<List<Integer>> chunks = chunks(names);
        Versioned[] values = new Versioned[names.size()];
        AtomicInteger remaining = new AtomicInteger(chunks.size());
        for (List<Integer> chunk : chunks) {
            if (chunk.size() == 1) {
                int i = chunk.get(0);
                String name = names.get(i);
                zk.getData(
                        paths.pathOf(name),
                        false,
                        (rc, path, ctx, data, stat) -> {
                            if (rc == Code.OK.intValue()) {
                                values[i] = versioned(name, data, stat);
                            } else if (rc != Code.NONODE.intValue()) {
                                future.completeExceptionally(KeeperException.create(Code.get(rc), path));
                            }
                            chunkDone(future, remaining, values, onReply);
                        },
                        null);
            } else {
                List<Op> ops = new ArrayList<>(chunk.size());
                for (int i : chunk) {
                    ops.add(Op.getData(paths.pathOf(names.get(i))));
                }
                zk.multi(
                        ops,
                        (rc, path, ctx, results) -> {
                            if (results == null || results.size() != chunk.size()) {
                                future.completeExceptionally(KeeperException.create(Code.get(rc), path));
                            } else {
                                for (int k = 0; k < chunk.size(); k++) {
                                    OpResult r = results.get(k);
                                    int i = chunk.get(k);
                                    if (r instanceof OpResult.GetDataResult g) {
                                        values[i] = versioned(names.get(i), g.getData(), g.getStat());
                                    } else if (r instanceof OpResult.ErrorResult e
                                            && e.getErr() != Code.NONODE.intValue()) {
                                        future.completeExceptionally(KeeperException.create(
                                                Code.get(e.getErr()), paths.pathOf(names.get(i))));
                                    }
                                }
                            }
                            chunkDone(future, remaining, values, onReply);
                        },
                        null);
            }
        }
        return future;
    }

    private static void chunkDone(
            CompletableFuture<Result> future, AtomicInteger remaining, Versioned[] values, Consumer<Result> onReply) {
        if (remaining.decrementAndGet() > 0 || future.isDone()) {
            return;
        }
        long max = 0;
        for (Versioned v : values) {
            if (v != null) {
                max = Math.max(max, v.stamp());
            }
        }
        Result result = new Result(Arrays.asList(values), max);
        if (onReply != null) {
            try {
                onReply.accept(result);
            } catch (RuntimeException | Error e) {
                future.completeExceptionally(e); // the caller gets an answer, not a timeout
                throw e;
            }
        }
        future.complete(result);
    }

    private List<List<Integer>> chunks(List<String> names) {
        List<List<Integer>> chunks = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < names.size(); i++) {
            long size = (long) sizeHint.applyAsInt(names.get(i)) + PER_CELL_OVERHEAD;
            if (!current.isEmpty() && bytes + size > replyBudget) {
                chunks.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(i);
            bytes += size;
        }
        chunks.add(current);
        return chunks;
    }

    static Versioned versioned(String name, byte[] data, Stat stat) {
        return new Versioned(name, data == null ? new byte[0] : data, stat.getVersion(), stat.getMzxid());
    }
}
