package dev.synod.zookeeper.internal;

import dev.synod.stm.CoordinationException;
import dev.synod.stm.NoSuchRefException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes turns (DESIGN 7) for one coordinator: creates a claim node under each cell's znode and
 * waits until the claim is first on each, and deletes claim nodes. What the claims on a cell are
 * and whose turn it is lives in {@link Claims}; the claim itself is a {@link ZkClaim}.
 */
final class ClaimTaker {
    private static final Logger LOG = LoggerFactory.getLogger(ClaimTaker.class);

    private final ZkConnection connection;
    private final CellPaths paths;
    private final Claims claims;
    private final WatchWorker worker;
    private final Function<String, NoSuchRefException> noSuchRef;

    ClaimTaker(
            ZkConnection connection,
            CellPaths paths,
            Claims claims,
            WatchWorker worker,
            Function<String, NoSuchRefException> noSuchRef) {
        this.connection = connection;
        this.paths = paths;
        this.claims = claims;
        this.worker = worker;
        this.noSuchRef = noSuchRef;
    }

    Claims claims() {
        return claims;
    }

    CellPaths paths() {
        return paths;
    }

    /**
     * Creates an ephemeral sequential child of each cell's znode (name order), then waits for its
     * turn on each: per cell a create and one read of the children (the cache worker's, sent on the
     * notification of the create), and no write when the commit that uses it releases it. See
     * {@link Claims} for the lease, which the node's name asks for.
     */
    ZkClaim take(List<String> names, long attemptNanos, long deadlineNanos) {
        List<String> sorted = names.stream().distinct().sorted().toList();
        ZkClaim claim = new ZkClaim(this);
        boolean taken = false;
        try {
            for (String name : sorted) {
                if (ZkConnection.passed(deadlineNanos)) {
                    throw connection.deadlinePassed("claiming a turn on '" + name + "'", null);
                }
                Created created = createClaimNode(name, paths.pathOf(name), attemptNanos, deadlineNanos);
                String child = created.path().substring(created.path().lastIndexOf('/') + 1);
                claim.nodes.put(name, child);
                learnClaims(name, child, created.readAfter(), deadlineNanos);
                claims.awaitTurn(List.of(name), claim.nodes, deadlineNanos, "claiming a turn on '" + name + "'");
            }
            taken = true;
            return claim;
        } finally {
            if (!taken) {
                claim.close();
            }
        }
    }

    /** A claim node created, and the read of the claims the cache worker sent after its creation (or null). */
    private record Created(String path, CompletableFuture<Void> readAfter) {}

    /**
     * Creates the claim node of {@code name} (Curator retries the create, finding its node again
     * after a lost reply), waiting no longer than the deadline; a node created after the wait ended
     * (deadline, interrupt) is deleted at once, so that no claim is left behind with nobody to use it.
     */
    private Created createClaimNode(String name, String cell, long attemptNanos, long deadlineNanos) {
        String action = "claiming a turn on '" + name + "'";
        CompletableFuture<Created> created = new CompletableFuture<>();
        try {
            connection
                    .curator()
                    .create()
                    .withProtection()
                    .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                    .inBackground(completing(created, (client, event) -> {
                        KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
                        if (code == KeeperException.Code.OK) {
                            // on the event thread, after the create's notification was handled
                            if (!created.complete(new Created(event.getName(), worker.lastClaimsRead(name)))) {
                                LOG.debug("{}: gave up waiting; deleting the claim created since", action);
                                deleteClaimNode(event.getName());
                            }
                        } else {
                            created.completeExceptionally(failed(name, code, event.getPath()));
                        }
                    }))
                    .forPath(cell + "/" + Claims.nameFor(attemptNanos));
        } catch (Exception e) {
            throw connection.failure(action, e);
        }
        return connection.awaitBackground(action, deadlineNanos, created);
    }

    /**
     * Makes {@link #claims} know this client's new claim {@code child} on {@code name}: from the
     * read the cache worker sent on the notification of its create, or, if that read did not
     * bring it (a notification missed across a lost connection), from a read of its own.
     */
    private void learnClaims(String name, String child, CompletableFuture<Void> readAfter, long deadlineNanos) {
        String action = "reading the claims on '" + name + "'";
        try {
            if (readAfter != null) {
                try {
                    connection.awaitBackground(action, deadlineNanos, readAfter);
                } catch (CoordinationException e) {
                    LOG.debug("{}: the cache's read failed; reading again", action, e);
                }
            }
            if (!claims.knows(name, child)) {
                connection.awaitBackground(action, deadlineNanos, worker.readClaims(name));
            }
        } catch (CoordinationException e) {
            if (e.getCause() instanceof KeeperException.NoNodeException) {
                throw noSuchRef.apply(name);
            }
            throw e;
        }
    }

    /** {@code body}, a failure of which completes {@code result} (a callback that throws is only logged by Curator). */
    private static BackgroundCallback completing(CompletableFuture<?> result, BackgroundCallback body) {
        return (client, event) -> {
            try {
                body.processResult(client, event);
            } catch (Exception | Error e) {
                result.completeExceptionally(e);
            }
        };
    }

    /** The failure of a background call on cell {@code name} (a code of null: one ZooKeeper does not define). */
    private RuntimeException failed(String name, KeeperException.Code code, String path) {
        if (code == KeeperException.Code.NONODE) {
            return noSuchRef.apply(name);
        }
        return connection.failure(
                "a request on '" + name + "'",
                code == null ? new IllegalStateException("unknown result code") : KeeperException.create(code, path));
    }

    /** Deletes a claim node in the background (retried by Curator until done or the session ends, which deletes it too). */
    void deleteClaimNode(String path) {
        try {
            connection.curator().delete().guaranteed().inBackground().forPath(path);
        } catch (Exception e) {
            LOG.debug("could not release claim {}; it ends with the session", path, e);
        }
    }
}
