package dev.synod.zookeeper.internal;

import dev.synod.stm.spi.Versioned;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 * (or request) could exceed the client's packet limit is split into several multis, each at its
 * own state, pipelined in order.
 *
 * <p>Reply sizes are estimated from the last known size of each cell, which another client may have
 * grown meanwhile: a reply over the limit makes the ZooKeeper client drop the connection. So when a
 * read of several cells in one multi loses the connection, its cells become suspect: each is read
 * in a request of its own (a cell always fits) until one read of it succeeds, and the sizes of
 * large cells read are remembered. One stale estimate costs one lost connection, never a loop of
 * them.
 *
 * <p>Replies are handled on the ZooKeeper event thread, in order with watch notifications: that
 * is what makes a read usable as a barrier (see {@link ReadPoint}).
 */
final class CellReader {
    /** Per-cell reply overhead assumed when splitting reads: reply header, stat, path, op header. */
    private static final int PER_CELL_OVERHEAD = 256;

    /** Per-cell request overhead assumed when splitting reads: op header, path length, flags. */
    private static final int PER_CELL_REQUEST_OVERHEAD = 32;

    /**
     * Cells at least this large have their size remembered here (the cache may not hold them); so
     * have smaller suspect ones whose size the hint does not know yet.
     */
    private static final int LARGE = 16 * 1024;

    /**
     * @param values one entry per requested name, in order; {@code null} for a missing cell
     * @param maxStamp the highest mzxid read
     * @param consistentStamp a stamp every value read reflects all changes up to: {@code maxStamp}
     *     for a read served at one server state; for a split read, the highest mzxid of its first
     *     part (the later parts were served at later states), since a change after the first part's
     *     state may be missing from it
     */
    record Result(List<Versioned> values, long maxStamp, long consistentStamp) {}

    private final CellPaths paths;
    private final int replyBudget;
    private final ToIntFunction<String> sizeHint;
    private final Map<String, Integer> largeSizes = new ConcurrentHashMap<>();
    /** Cells of a multi-read that lost the connection, read alone until read (see the class comment). */
    private final Set<String> suspect = ConcurrentHashMap.newKeySet();

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
        return read(zk, names, syncFirst, null, onReply);
    }

    /**
     * As above; {@code onMissing} (may be null) is called on the event thread with each cell found
     * missing, in the reply of the part that found it (in order with the events of that state),
     * before {@code onReply}.
     */
    CompletableFuture<Result> read(
            ZooKeeper zk, List<String> names, boolean syncFirst, Consumer<String> onMissing, Consumer<Result> onReply) {
        CompletableFuture<Result> future = new CompletableFuture<>();
        if (names.isEmpty()) {
            Result empty = new Result(List.of(), 0, 0);
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
        List<Integer> first = chunks.get(0);
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
                                learnSize(name, values[i]);
                            } else if (rc == Code.NONODE.intValue()) {
                                missing(name, onMissing);
                            } else {
                                future.completeExceptionally(KeeperException.create(Code.get(rc), path));
                            }
                            chunkDone(future, remaining, values, first, onReply);
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
                                if (rc == Code.CONNECTIONLOSS.intValue()) {
                                    // perhaps a reply over the limit: the sizes known were stale
                                    for (int i : chunk) {
                                        suspect.add(names.get(i));
                                    }
                                }
                                future.completeExceptionally(KeeperException.create(Code.get(rc), path));
                            } else {
                                for (int k = 0; k < chunk.size(); k++) {
                                    OpResult r = results.get(k);
                                    int i = chunk.get(k);
                                    if (r instanceof OpResult.GetDataResult g) {
                                        values[i] = versioned(names.get(i), g.getData(), g.getStat());
                                        learnSize(names.get(i), values[i]);
                                    } else if (r instanceof OpResult.ErrorResult e
                                            && e.getErr() == Code.NONODE.intValue()) {
                                        missing(names.get(i), onMissing);
                                    } else if (r instanceof OpResult.ErrorResult e) {
                                        future.completeExceptionally(KeeperException.create(
                                                Code.get(e.getErr()), paths.pathOf(names.get(i))));
                                    }
                                }
                            }
                            chunkDone(future, remaining, values, first, onReply);
                        },
                        null);
            }
        }
        return future;
    }

    /**
     * Remembers the size read if it is large, or if the cell was suspect (or remembered for that
     * before) and the size hint does not know it yet (the cache learns it after the reply, or never
     * for a cell that is not open): a suspect cell, no longer read alone from now on, is never again
     * estimated from a stale size. Other small cells are not remembered, so that this map holds only
     * large cells and those that once made a read lose its connection.
     */
    private void learnSize(String name, Versioned v) {
        int size = v.data().length;
        boolean wasSuspect = !suspect.isEmpty() && suspect.remove(name);
        boolean known = !largeSizes.isEmpty() && largeSizes.containsKey(name);
        if (size >= LARGE || ((wasSuspect || known) && size > sizeHint.applyAsInt(name))) {
            largeSizes.put(name, size);
        } else if (known) {
            largeSizes.remove(name);
        }
    }

    private void missing(String name, Consumer<String> onMissing) {
        forget(name);
        if (onMissing != null) {
            onMissing.accept(name);
        }
    }

    /** Drops what is known of a cell's size (it was deleted). */
    void forget(String name) {
        largeSizes.remove(name);
        suspect.remove(name);
    }

    /** Sizes remembered here: for tests. */
    Integer rememberedSize(String name) {
        return largeSizes.get(name);
    }

    private void chunkDone(
            CompletableFuture<Result> future,
            AtomicInteger remaining,
            Versioned[] values,
            List<Integer> first,
            Consumer<Result> onReply) {
        if (remaining.decrementAndGet() > 0 || future.isDone()) {
            return;
        }
        long max = 0;
        for (Versioned v : values) {
            if (v != null) {
                max = Math.max(max, v.stamp());
            }
        }
        long consistent = max;
        if (first.size() < values.length) {
            consistent = 0;
            for (int i : first) {
                if (values[i] != null) {
                    consistent = Math.max(consistent, values[i].stamp());
                }
            }
        }
        Result result = new Result(Arrays.asList(values), max, consistent);
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

    /** Groups the names into requests whose replies and requests each fit the budget. */
    private List<List<Integer>> chunks(List<String> names) {
        List<List<Integer>> chunks = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        long replyBytes = 0;
        long requestBytes = 0;
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            long size =
                    (long) Math.max(sizeHint.applyAsInt(name), largeSizes.getOrDefault(name, 0)) + PER_CELL_OVERHEAD;
            long request = (long) paths.pathOf(name).length() * 3 + PER_CELL_REQUEST_OVERHEAD; // UTF-8: <= 3 bytes
            boolean alone = !suspect.isEmpty() && suspect.contains(name);
            if (!current.isEmpty()
                    && (alone || replyBytes + size > replyBudget || requestBytes + request > replyBudget)) {
                chunks.add(current);
                current = new ArrayList<>();
                replyBytes = 0;
                requestBytes = 0;
            }
            current.add(i);
            replyBytes += alone ? replyBudget : size; // nothing joins a suspect cell's request
            requestBytes += request;
        }
        chunks.add(current);
        return chunks;
    }

    static Versioned versioned(String name, byte[] data, Stat stat) {
        return new Versioned(name, data == null ? new byte[0] : data, stat.getVersion(), stat.getMzxid());
    }
}
