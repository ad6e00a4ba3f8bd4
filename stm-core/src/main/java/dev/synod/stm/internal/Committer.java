package dev.synod.stm.internal;

import dev.synod.stm.CommitOutcomeUnknownException;
import dev.synod.stm.CoordinationException;
import dev.synod.stm.LockLostException;
import dev.synod.stm.StmClosedException;
import dev.synod.stm.StmInterruptedException;
import dev.synod.stm.TransactionTimeoutException;
import dev.synod.stm.ValueTooLargeException;
import dev.synod.stm.spi.CommitGuard;
import dev.synod.stm.spi.CommitRequest;
import dev.synod.stm.spi.CommitResult;
import dev.synod.stm.spi.Coordinator;
import dev.synod.stm.spi.Versioned;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits one transaction attempt: validators, one conditional commit on the coordinator, local
 * refs installed under their locks. A conflict only on commuted refs re-applies the commute
 * functions to fresh values and commits again without re-running the body; any other conflict
 * makes the engine retry the body.
 */
final class Committer {
    private static final Logger LOG = LoggerFactory.getLogger(Committer.class);
    private static final long READ_YOUR_WRITES_WAIT_MS = 2_000;

    private final TxnImpl txn;
    private final Engine engine;
    private final Coordinator coordinator;
    private final List<Entry.Dist<?>> dist;
    private final List<Entry.Local<?>> local;
    private final List<Entry.Local<?>> locked = new ArrayList<>();
    private int rounds;

    Committer(TxnImpl txn) {
        this.txn = txn;
        this.engine = txn.engine;
        this.coordinator = engine.coordinator();
        this.dist = txn.distEntries();
        this.local = txn.localEntries();
    }

    private static final Runnable NO_WATCHES = () -> {};

    /**
     * Commits, or throws {@link RetrySignal} (after {@link TxnImpl#retry}) or a user-facing exception.
     *
     * @return what calls the watches of the local refs written, for the caller to run once the
     *     transaction is no longer the thread's current one
     */
    Runnable commit() {
        txn.sealed = true;
        if (txn.doomed()) {
            throw RetrySignal.INSTANCE;
        }
        boolean distWrites = anyChanges(dist);
        boolean localWrites = anyChanges(local);
        boolean sendsCommit = distWrites || !txn.guards.isEmpty();
        if (!sendsCommit && !dist.isEmpty()) {
            // what it read of coordinated refs is checked against local state alone, sending
            // nothing (read-only, or writing local refs only): not if that state is too old
            coordinator.checkStaleness();
        }
        if (!distWrites && !localWrites) {
            // read-only: the snapshot was consistent, nothing to check or send; unless a ref was
            // read from its last known state, which nothing else checks
            checkOptimisticReads();
            return NO_WATCHES;
        }
        for (Entry.Dist<?> e : dist) {
            if (!e.commuteOnly() && needsCheck(e) && e.stale) {
                throw txn.retry(e.cell().stamp(), "'" + e.ref.name + "' changed after the transaction's snapshot");
            }
            if (e.commuteOnly()) {
                try {
                    rebaseIfNewer(
                            e, e.optimistic ? e.ref.currentAgain(txn.deadlineNanos) : coordinator.current(e.ref.name));
                } catch (VersionGoneException gone) {
                    throw txn.retry(0, "an external version of '" + e.ref.name + "' was deleted while it was read");
                }
            }
        }
        while (true) {
            long stamp = txn.readPoint;
            try {
                if (sendsCommit && coordinator.turnsClaimed()) {
                    // before the local locks: none is held while another client has its turn
                    txn.turnWaitNanos += engine.turns().await(writtenNames(), txn.claim, txn.deadlineNanos);
                }
                lockLocals();
                if (!sendsCommit) {
                    checkDistReadsAgainstCache();
                }
                for (Entry<?> e : txn.entries.values()) {
                    if (e.changes()) {
                        validate(e);
                    }
                }
                if (sendsCommit) {
                    engine.ensureOpen(); // closed while the body ran: send nothing
                    CommitResult result;
                    CommitRequest request = buildRequest();
                    txn.commitSent = true;
                    try {
                        result = coordinator.commit(request, txn.deadlineNanos, txn.claim);
                    } catch (CommitOutcomeUnknownException unknown) {
                        result = resolveKeepingStaged(unknown);
                    } catch (ValueTooLargeException | IllegalArgumentException refusedBeforeSending) {
                        txn.commitSent = false; // nothing was sent: the attempt may be checked
                        throw refusedBeforeSending;
                    }
                    if (result instanceof CommitResult.Conflict conflict) {
                        txn.commitSent = false; // not applied: the attempt may be checked again
                        unstage();
                        unlockLocals();
                        onConflict(conflict);
                        continue;
                    }
                    CommitResult.Committed committed = (CommitResult.Committed) result;
                    stamp = committed.stamp();
                    dist.forEach(e -> e.stagedKey = null); // committed: no longer ours to delete
                    rememberWritten(committed);
                    if (committed.written().isEmpty() && !locked.isEmpty()) {
                        // resolved by reading one cell back: the others may not be in the cache
                        // yet, and a local-only commit waiting for our local locks checks there
                        awaitCommitInCache(stamp);
                    }
                }
                List<Runnable> localWatches = installLocals(stamp, sendsCommit);
                unlockLocals();
                afterCommit(stamp, distWrites);
                return localWatches.isEmpty() ? NO_WATCHES : () -> localWatches.forEach(Runnable::run);
            } catch (RuntimeException | Error e) {
                unstage();
                throw e;
            } finally {
                unlockLocals();
            }
        }
    }

    /**
     * A commit that writes local refs only sends nothing, so nothing checks the distributed refs
     * it read or ensured: check them against this client's cache, with the local refs locked. A
     * transaction of this process that read one of those local refs and wrote one of those
     * distributed refs held the local ref's lock until its commit was in the cache, so the check
     * sees it (write skew between local and distributed refs is caught); other processes cannot
     * read our local refs, so a commit of theirs not yet in the cache orders after this one.
     */
    private void checkDistReadsAgainstCache() {
        for (Entry.Dist<?> e : dist) {
            if (needsCheck(e)) {
                Versioned now = e.optimistic ? e.ref.currentAgain(txn.deadlineNanos) : coordinator.current(e.ref.name);
                if (now.stamp() != e.cell().stamp()) { // (a cell created again restarts its versions)
                    throw txn.retry(now.stamp(), "'" + e.ref.name + "' changed after the transaction's snapshot");
                }
            }
        }
    }

    /** See {@link TxnImpl#changedOptimistic}: retries the attempt if a ref it read had moved on. */
    private void checkOptimisticReads() {
        if (txn.readOptimistically()) {
            long moved = txn.changedOptimistic();
            if (moved >= 0) {
                throw txn.retry(moved, "a ref read from its last known state had changed");
            }
        }
    }

    private void awaitCommitInCache(long stamp) {
        try {
            coordinator.awaitReadPoint(stamp, READ_YOUR_WRITES_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } catch (StmClosedException | CoordinationException e) {
            // committed: the caller must hear so
        }
    }

    private List<String> writtenNames() {
        List<String> names = new ArrayList<>();
        for (Entry.Dist<?> e : dist) {
            if (e.changes()) {
                names.add(e.ref.name);
            }
        }
        return names;
    }

    private static boolean anyChanges(List<? extends Entry<?>> entries) {
        for (Entry<?> e : entries) { // a loop: this runs for every transaction
            if (e.changes()) {
                return true;
            }
        }
        return false;
    }

    private boolean needsCheck(Entry<?> e) {
        return e.changes() || e.ensured || (txn.serializable() && e.read);
    }

    private static <T> void validate(Entry<T> e) {
        e.ref().validate(e.value);
    }

    private static <T> void rebaseIfNewer(Entry.Dist<T> e, Versioned cell) {
        if (cell.version() != e.cell().version() || e.stale) {
            TxnImpl.rebase(e, cell);
        }
    }

    // ---- building the request ----

    private CommitRequest buildRequest() {
        List<CommitRequest.Check> checks = new ArrayList<>();
        List<CommitRequest.Write> writes = new ArrayList<>();
        int max = coordinator.maxCellSize();
        for (Entry.Dist<?> e : dist) {
            if (e.changes()) {
                writes.add(new CommitRequest.Write(e.ref.name, e.cell().version(), newRecord(e, max)));
            } else if (needsCheck(e)) {
                checks.add(new CommitRequest.Check(e.ref.name, e.cell().version()));
            }
        }
        return new CommitRequest(checks, writes, txn.guards);
    }

    private <T> byte[] newRecord(Entry.Dist<T> e, int max) {
        DistRef<T> ref = e.ref;
        byte[] value = ref.isExternal() ? stage(e) : ref.encodeValue(e.value);
        Record base = e.base.record();
        List<Record.Entry> history = new ArrayList<>();
        int target = ref.historyTarget();
        if (target > 0) {
            history.add(new Record.Entry(e.cell().stamp(), base.writer(), base.value(), base.cowritten()));
            for (Record.Entry h : base.history()) {
                if (history.size() >= target) {
                    break;
                }
                history.add(h);
            }
        }
        List<String> cowritten = cowritten(ref.name);
        int extra = Record.cowrittenSize(cowritten);
        // (history entries carry their own commit's co-written names, counted by Record.size)
        while (!history.isEmpty() && Record.size(value, history) + extra > max) {
            history.remove(history.size() - 1);
        }
        e.keptHistory = history.size();
        int size = Record.size(value, history) + extra;
        if (size > max) {
            throw new ValueTooLargeException(ref.name, size, max);
        }
        e.writtenRecord =
                new Record(ref.isExternal() ? Record.EXTERNAL : 0, txn.id, value, List.copyOf(history), cowritten);
        return e.writtenRecord.encode();
    }

    /**
     * After a commit: each ref written inline keeps the state it now has, decoded, so that the
     * next transaction here does not decode what this one encoded (the value is the one written).
     */
    private void rememberWritten(CommitResult.Committed committed) {
        for (Entry.Dist<?> e : dist) {
            if (e.writtenRecord != null && !e.ref.isExternal()) {
                Versioned cell = committed.written().get(e.ref.name);
                if (cell != null) {
                    remember(e, cell);
                    if (!e.commuteOnly()) {
                        e.ref.committedHere(
                                e.cell().stamp(), cell.stamp(), txn.serializable() && txn.options.maxRetries() > 0);
                    }
                }
            }
        }
    }

    private static <T> void remember(Entry.Dist<T> e, Versioned cell) {
        e.ref.remember(new DistRef.Decoded<>(cell, e.writtenRecord, e.value));
    }

    /** The other refs this commit writes, so that readers can check they see all of it. */
    private List<String> cowritten(String self) {
        List<String> names = new ArrayList<>();
        for (Entry.Dist<?> e : dist) {
            if (e.changes() && !e.ref.name.equals(self)) {
                names.add(e.ref.name);
            }
        }
        return names.size() <= Record.MAX_COWRITTEN ? names : List.of();
    }

    private <T> byte[] stage(Entry.Dist<T> e) {
        String key = VersionKeys.fresh(txn.id, Integer.toString(rounds));
        External.stage(e.ref.container, e.ref.name, e.value, key);
        e.stagedKey = key;
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private void unstage() {
        for (Entry.Dist<?> e : dist) {
            if (e.stagedKey != null) {
                deleteQuietly(e.ref, e.stagedKey);
                e.stagedKey = null;
            }
        }
    }

    private static void deleteQuietly(DistRef<?> ref, String key) {
        External.deleteQuietly(ref.container, ref.name, key);
    }

    // ---- local refs ----

    private void lockLocals() {
        List<Entry.Local<?>> toLock = new ArrayList<>();
        for (Entry.Local<?> e : local) {
            if (needsCheck(e)) {
                toLock.add(e);
            }
        }
        toLock.sort(Comparator.comparingLong(e -> e.ref.id));
        for (Entry.Local<?> e : toLock) {
            long remaining = txn.deadlineNanos - System.nanoTime();
            try {
                if (!e.ref.lock.tryLock(Math.max(remaining, 0), TimeUnit.NANOSECONDS)) {
                    throw txn.retry(0, e.ref.name + " stayed locked by another commit");
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new StmInterruptedException("interrupted while locking " + e.ref.name + " to commit", ie);
            }
            locked.add(e);
            e.ref.checkNotDestroyed(); // destroyed since it was read: nothing is sent
            if (e.ref.head() != e.base) {
                if (e.commuteOnly()) {
                    rebaseLocal(e);
                } else {
                    throw txn.retry(0, e.ref.name + " changed after the transaction's snapshot");
                }
            }
        }
    }

    private static <T> void rebaseLocal(Entry.Local<T> e) {
        e.base = e.ref.head();
        e.value = e.applyCommutes(e.base.value);
    }

    private void unlockLocals() {
        for (int i = locked.size() - 1; i >= 0; i--) {
            locked.get(i).ref.lock.unlock();
        }
        locked.clear();
    }

    private List<Runnable> installLocals(long stamp, boolean mixed) {
        List<Runnable> watches = new ArrayList<>();
        long seq = engine.nextLocalSeq();
        for (Entry.Local<?> e : local) {
            if (e.changes()) {
                watches.add(install(e, stamp, seq, mixed));
            }
        }
        return watches;
    }

    private static <T> Runnable install(Entry.Local<T> e, long stamp, long seq, boolean mixed) {
        T old = e.ref.head().value;
        T value = e.value;
        e.ref.install(value, stamp, seq, mixed);
        return () -> {
            if (e.ref.hasWatches()) {
                e.ref.fireWatches(old, value);
            }
        };
    }

    // ---- outcomes ----

    private void onConflict(CommitResult.Conflict conflict) {
        CommitGuard guard = conflict.failedGuard();
        if (guard != null) {
            throw new LockLostException("commit rejected: " + guard.description() + " is no longer held (guard "
                    + guard.path() + "); nothing was applied");
        }
        engine.counters().conflicts.increment();
        Set<String> names = conflict.conflicting();
        List<Entry.Dist<?>> commuted = new ArrayList<>();
        Set<String> commutedNames = new HashSet<>();
        for (Entry.Dist<?> e : dist) {
            if (e.commuteOnly()) {
                commuted.add(e);
                commutedNames.add(e.ref.name);
            }
        }
        boolean onlyCommuted = !names.isEmpty() && commutedNames.containsAll(names);
        if (onlyCommuted && rounds < txn.options.maxRetries() && System.nanoTime() < txn.deadlineNanos) {
            rounds++;
            List<Versioned> fresh = statesAfterConflict(commuted);
            try {
                for (int i = 0; i < commuted.size(); i++) {
                    TxnImpl.rebase(commuted.get(i), fresh.get(i));
                }
            } catch (VersionGoneException gone) {
                throw txn.retry(0, "an external version was deleted while commute functions were re-applied");
            }
            engine.counters().commuteReapplies.increment();
            return;
        }
        long stamp = 0;
        if (!names.isEmpty()) {
            try {
                List<Entry.Dist<?>> conflicting = new ArrayList<>();
                for (Entry.Dist<?> e : dist) {
                    if (names.contains(e.ref.name)) {
                        conflicting.add(e);
                    }
                }
                List<Versioned> fresh = conflicting.size() == names.size()
                        ? statesAfterConflict(conflicting)
                        : coordinator.fetch(List.copyOf(names), txn.deadlineNanos);
                for (Versioned v : fresh) {
                    stamp = Math.max(stamp, v.stamp());
                }
                if (conflicting.stream().anyMatch(e -> e.optimistic)) {
                    // written by others too; the coordinator may name only the first conflict, so
                    // every ref read from its last known state is made current (and kept current)
                    // again now, rather than one per retry
                    stamp = Math.max(stamp, txn.currentAgainAll());
                }
            } catch (RuntimeException e) {
                LOG.debug("could not refresh {} after a conflict", names, e);
            }
        }
        throw txn.retry(stamp, "a concurrent commit changed " + (names.isEmpty() ? "a ref it read" : names));
    }

    /**
     * The states of the entries' cells after a conflict: the coordinator's cached ones when every
     * one has moved past the version this transaction read (a coordinator may read the cells back
     * on a conflict, as the ZooKeeper one does), else one read of them all.
     */
    private List<Versioned> statesAfterConflict(List<Entry.Dist<?>> entries) {
        List<Versioned> cached = new ArrayList<>(entries.size());
        for (Entry.Dist<?> e : entries) {
            Versioned now = engine.cachedNewerThan(e.ref.name, e.cell().version());
            if (now == null) {
                return coordinator.fetch(entries.stream().map(x -> x.ref.name).toList(), txn.deadlineNanos);
            }
            cached.add(now);
        }
        return cached;
    }

    /**
     * As {@link #resolve}; if the outcome stays unknown (or resolving is interrupted), the versions
     * staged in external containers are left in place: the commit may have made them current, and
     * deleting them would leave the ref pointing at nothing. {@code Stm.sweepOrphans} removes them
     * if the commit did not apply.
     */
    private CommitResult resolveKeepingStaged(CommitOutcomeUnknownException unknown) {
        try {
            return resolve(unknown);
        } catch (RuntimeException | Error e) {
            for (Entry.Dist<?> d : dist) {
                if (d.stagedKey != null) {
                    LOG.warn(
                            "outcome of transaction {} unknown: version '{}' of '{}' kept (Stm.sweepOrphans removes it"
                                    + " if the commit did not apply)",
                            txn.id,
                            d.stagedKey,
                            d.ref.name);
                    d.stagedKey = null;
                }
            }
            throw e;
        }
    }

    /**
     * The commit may or may not have applied. Reads one written ref back and looks for this
     * transaction's id at the version the commit would have produced. The commit's version checks
     * mean an absent id can no longer appear, so "not applied" is safe to retry.
     */
    private CommitResult resolve(CommitOutcomeUnknownException cause) {
        engine.counters().outcomeResolutions.increment();
        // a ref read from its last known state may have moved on twice while this client did not
        // watch it, leaving this transaction's version out of its history: probe another if any
        Entry.Dist<?> probe = dist.stream()
                .filter(Entry::changes)
                .min(java.util.Comparator.comparing(e -> e.optimistic))
                .orElseThrow(() -> cause);
        String name = probe.ref.name;
        long produced = probe.cell().version() + 1;
        long giveUp = Math.max(txn.deadlineNanos, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        CommitResult notApplied = new CommitResult.Conflict(Set.of(), null);
        while (true) {
            try {
                Versioned v = coordinator.fetch(List.of(name), giveUp).get(0);
                Record r = Record.decode(engine.where(name), v.data());
                if (v.version() < produced) {
                    return notApplied;
                }
                if (v.version() == produced) {
                    return r.writer().equals(txn.id) ? new CommitResult.Committed(v.stamp(), Map.of()) : notApplied;
                }
                long index = v.version() - produced - 1;
                if (index < r.history().size()) {
                    Record.Entry h = r.history().get((int) index);
                    return h.writer().equals(txn.id) ? new CommitResult.Committed(h.stamp(), Map.of()) : notApplied;
                }
                throw new CommitOutcomeUnknownException(
                        "transaction " + txn.id + " lost its connection while committing," + " and '" + name
                                + "' changed too often since to tell whether it applied",
                        cause);
            } catch (CommitOutcomeUnknownException e) {
                throw e;
            } catch (StmInterruptedException | StmClosedException e) {
                throw OutcomeReadBack.stopped("transaction " + txn.id, e, cause);
            } catch (CoordinationException | TransactionTimeoutException e) {
                // a timeout here is the read-back's own (giveUp): the outcome stays unknown
                if (System.nanoTime() - giveUp >= 0) {
                    throw new CommitOutcomeUnknownException(
                            "transaction " + txn.id + " lost its connection while"
                                    + " committing and '" + name
                                    + "' could not be read back to learn whether it applied: "
                                    + e.getMessage(),
                            cause);
                }
                OutcomeReadBack.pause("transaction " + txn.id);
            }
        }
    }

    private void afterCommit(long stamp, boolean distWrites) {
        engine.counters().writeCommits.increment();
        if (!distWrites) {
            return;
        }
        for (Entry.Dist<?> e : dist) {
            if (e.changes() && e.ref.isExternal()) {
                dropUnreachableVersions(e);
            }
        }
        try {
            // Read your writes: the next transaction's snapshot includes this commit.
            coordinator.awaitReadPoint(stamp, READ_YOUR_WRITES_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } catch (StmClosedException | CoordinationException e) {
            // committed: the caller must hear so, even if the client closed or lost its connection
            // in the meantime (reading its own write is best effort)
            LOG.debug("transaction {} committed; not waiting to read its writes: {}", txn.id, e.toString());
        }
    }

    /** Deletes external versions that fell out of the ref's history with this commit. */
    private static void dropUnreachableVersions(Entry.Dist<?> e) {
        Record base = e.base.record();
        Set<String> before = new HashSet<>();
        before.add(new String(base.value(), StandardCharsets.UTF_8));
        base.history().forEach(h -> before.add(new String(h.value(), StandardCharsets.UTF_8)));
        int kept = e.keptHistory;
        Set<String> keep = new HashSet<>();
        if (kept > 0) {
            keep.add(new String(base.value(), StandardCharsets.UTF_8));
            for (int i = 0; i < kept - 1 && i < base.history().size(); i++) {
                keep.add(new String(base.history().get(i).value(), StandardCharsets.UTF_8));
            }
        }
        before.removeAll(keep);
        before.forEach(key -> deleteQuietly(e.ref, key));
    }
}
