package dev.synod.locks.internal;

import dev.synod.stm.CoordinationException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the ephemeral-sequential nodes of one lock client (lock nodes and condition waiters),
 * each exactly once: a creation is one {@code multi}, sent once per attempt; after a connection
 * loss the node is looked for by its attempt id before anything is sent again. If a creation is
 * given up on, a node it may have made (a reply lost or late) is deleted in the background once
 * the client is connected again: it could otherwise stand in the queue, in a live session, until
 * the client closes. The sweep's listing goes out on the same session after the creation it looks
 * for (a session answers in order), so a late creation is found too. Also the engine's two reads
 * of the queue (listing a root, the stat of a node). Thread-safe.
 */
final class NodeCreator {
    private static final Logger LOG = LoggerFactory.getLogger(NodeCreator.class);
    private static final byte[] EMPTY = new byte[0];
    private static final int MAX_CREATE_ATTEMPTS = 10;

    /**
     * A node of ours; {@code handle} is the ZooKeeper handle (one session for life) it was made on;
     * {@code czxid} (the fencing token) and {@code alone} are known for a lock node created here.
     */
    record Created(String path, String name, long czxid, long sessionId, boolean alone, ZooKeeper handle) {}

    private record MultiOutcome(Code code, List<OpResult> results) {}

    /** A creation attempt given up on, whose node under {@code root} may exist. */
    private record Abandoned(String root, String attemptId) {}

    private final CuratorFramework client;

    /** Creation attempts given up on whose node may exist: deleted once their root can be listed. */
    private final Set<Abandoned> abandonedAttempts = ConcurrentHashMap.newKeySet();

    private final AtomicBoolean sweeperInstalled = new AtomicBoolean();

    NodeCreator(CuratorFramework client) {
        this.client = client;
    }

    /**
     * Creates a node {@code <tag>~<attempt>~<sequence>} under {@code root} (see the class comment).
     *
     * @param touchRoot whether the creation also writes the root ({@code setData}), whose stat then
     *     tells whether the node is alone and gives its fencing token: for lock nodes
     */
    Created create(String root, String tag, boolean touchRoot, Wait wait) throws InterruptedException {
        String attemptId = UUID.randomUUID().toString();
        AtomicBoolean unknown = new AtomicBoolean(); // a multi was sent and its outcome not learned
        try {
            return create(root, tag, touchRoot, attemptId, unknown, wait);
        } catch (RuntimeException | Error | InterruptedException e) {
            if (unknown.get()) {
                deleteAttemptInBackground(root, attemptId);
            }
            throw e;
        }
    }

    private Created create(
            String root, String tag, boolean touchRoot, String attemptId, AtomicBoolean unknown, Wait wait)
            throws InterruptedException {
        String prefix = root + "/" + LockNodes.prefix(tag, attemptId);
        String what = touchRoot ? "a lock node" : "a condition waiter";
        String creating = "creating " + what + " under " + root;
        for (int attempt = 1; ; attempt++) {
            // a timed acquire waits for a connection only until its deadline, an interruptible one
            // until interrupted; on a live one it goes ahead whatever the time (a free lock is taken
            // even with a tiny timeout)
            ZkCalls.awaitConnected(client, wait, creating);
            ZooKeeper zk = ZkCalls.uninterruptibly(
                    client, "connecting", () -> client.getZookeeperClient().getZooKeeper());
            MultiOutcome outcome;
            try {
                outcome = multi(zk, root, prefix, touchRoot, what, wait);
            } catch (RuntimeException | Error e) {
                unknown.set(true); // no answer in time: it may still apply
                throw e;
            }
            switch (outcome.code()) {
                case OK -> {
                    String path = ((OpResult.CreateResult) outcome.results().get(0)).getPath();
                    // read after the reply: a handle still connecting (just after an expiry) has
                    // session id 0 until then, and keeps the session it connected with for life
                    if (!touchRoot) {
                        return new Created(path, nameOf(path), 0, zk.getSessionId(), false, zk);
                    }
                    Stat rootStat = ((OpResult.SetDataResult) outcome.results().get(1)).getStat();
                    return new Created(
                            path,
                            nameOf(path),
                            rootStat.getMzxid(),
                            zk.getSessionId(),
                            rootStat.getNumChildren() == 1,
                            zk);
                }
                case NONODE ->
                    ZkCalls.uninterruptibly(client, "creating " + root, () -> {
                        client.createContainers(root);
                        return null;
                    });
                case CONNECTIONLOSS, OPERATIONTIMEOUT, SESSIONEXPIRED, SESSIONMOVED -> {
                    unknown.set(true);
                    LOG.debug("{} while creating a node under {}; attempt {}", outcome.code(), root, attempt);
                    ZkCalls.awaitConnected(client, wait, creating);
                    Created found = findCreated(root, attemptId, wait);
                    if (found != null) {
                        return found;
                    }
                }
                default ->
                    throw new CoordinationException("cannot create " + what + " under " + root + ": "
                            + KeeperException.create(outcome.code()).getMessage());
            }
            if (attempt >= MAX_CREATE_ATTEMPTS) {
                throw new CoordinationException("cannot create " + what + " under " + root + " after " + attempt
                        + " attempts (last: " + outcome.code() + ")");
            }
        }
    }

    private MultiOutcome multi(ZooKeeper zk, String root, String prefix, boolean touchRoot, String what, Wait wait)
            throws InterruptedException {
        CompletableFuture<MultiOutcome> answer = new CompletableFuture<>();
        Op create = Op.create(prefix, EMPTY, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
        List<Op> ops = touchRoot ? List.of(create, Op.setData(root, EMPTY, -1)) : List.of(create);
        zk.multi(ops, (rc, path, ctx, results) -> answer.complete(new MultiOutcome(Code.get(rc), results)), null);
        int bound = client.getZookeeperClient().getConnectionTimeoutMs()
                + Math.max(client.getZookeeperClient().getLastNegotiatedSessionTimeoutMs(), 1000) * 2;
        // once sent on a live connection, the answer is waited for in full, timed or not, and
        // without interruption: a healthy lock is not given up on for a round trip longer than the
        // caller's timeout; past the deadline, only while the client is connected
        return ZkCalls.await(client, answer, bound, "creating " + what + " under " + root, wait, false);
    }

    /**
     * Our node of attempt {@code attemptId}, if it exists in the current session. The listing
     * follows a pipelined {@code sync}: after a reconnection to another server, a creation applied
     * through the old one is then seen, not created a second time.
     */
    private Created findCreated(String root, String attemptId, Wait wait) throws InterruptedException {
        syncFirst(root);
        for (String name : children(root, wait)) {
            if (LockNodes.hasAttemptId(name, attemptId)) {
                String path = root + "/" + name;
                ZkCalls.Answer<Stat> answer = exists(path, wait);
                Stat stat = answer.value();
                long session = answer.handle().getSessionId();
                if (stat != null && stat.getEphemeralOwner() == session) {
                    return new Created(path, name, stat.getCzxid(), session, false, answer.handle());
                }
            }
        }
        return null;
    }

    /**
     * Sends a {@code sync} of {@code root} on the current handle and returns at once: a request
     * sent after it on the same session is answered only once the server has caught up with the
     * leader. Best effort: if it cannot be sent, the listing that follows fails or reads as before.
     */
    private void syncFirst(String root) {
        try {
            client.getZookeeperClient().getZooKeeper().sync(root, (rc, path, ctx) -> {}, null);
        } catch (Exception e) {
            LOG.debug("could not sync {} before listing it: {}", root, e.toString());
        }
    }

    List<String> children(String root, Wait wait) throws InterruptedException {
        String what = "listing " + root;
        ZkCalls.Answer<List<String>> answer = ZkCalls.read(
                client,
                wait,
                what,
                (zk, reply) ->
                        zk.getChildren(root, false, (rc, path, ctx, children) -> reply.accept(rc, children), null));
        return switch (answer.code()) {
            case OK -> answer.value();
            case NONODE -> List.of();
            default -> throw ZkCalls.failure(client, what, answer.code());
        };
    }

    /** The stat of {@code path} ({@code null} if it does not exist) and the handle that read it. */
    ZkCalls.Answer<Stat> exists(String path, Wait wait) throws InterruptedException {
        String what = "checking " + path;
        ZkCalls.Answer<Stat> answer = ZkCalls.read(
                client,
                wait,
                what,
                (zk, reply) -> zk.exists(path, false, (rc, p, ctx, stat) -> reply.accept(rc, stat), null));
        if (answer.code() != Code.OK && answer.code() != Code.NONODE) {
            throw ZkCalls.failure(client, what, answer.code());
        }
        return answer;
    }

    /**
     * Deletes every node of a creation attempt that was given up on (its outcome unknown): now if
     * connected, else at the next (re)connection, until one listing of its root succeeds. One
     * connection listener per lock engine (one creator each) serves every such attempt.
     */
    private void deleteAttemptInBackground(String root, String attemptId) {
        abandonedAttempts.add(new Abandoned(root, attemptId));
        if (sweeperInstalled.compareAndSet(false, true)) {
            client.getConnectionStateListenable().addListener((c, state) -> {
                if (state.isConnected()) {
                    sweepAbandoned();
                }
            });
        }
        if (client.getZookeeperClient().isConnected()) {
            sweepAbandoned();
        }
    }

    private void sweepAbandoned() {
        if (abandonedAttempts.isEmpty()) {
            return;
        }
        Map<String, Set<Abandoned>> byRoot = new HashMap<>();
        for (Abandoned a : abandonedAttempts) {
            byRoot.computeIfAbsent(a.root(), r -> new HashSet<>()).add(a);
        }
        byRoot.forEach(this::sweep);
    }

    /** Lists {@code root} in the background and deletes the nodes of the attempts given up on. */
    private void sweep(String root, Set<Abandoned> attempts) {
        try {
            syncFirst(root);
            client.getChildren()
                    .inBackground((c, event) -> {
                        int rc = event.getResultCode();
                        if (rc == Code.OK.intValue()) {
                            for (String name : event.getChildren()) {
                                for (Abandoned a : attempts) {
                                    if (LockNodes.hasAttemptId(name, a.attemptId())) {
                                        ZkCalls.deleteInBackground(client, root + "/" + name);
                                    }
                                }
                            }
                        } else if (rc != Code.NONODE.intValue()) {
                            LOG.debug("listing {} for abandoned nodes: {}; again on reconnection", root, Code.get(rc));
                            return;
                        }
                        abandonedAttempts.removeAll(attempts);
                    })
                    .forPath(root);
        } catch (Exception e) {
            LOG.warn("could not list {} for abandoned nodes; again on reconnection", root, e);
        }
    }

    private static String nameOf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
