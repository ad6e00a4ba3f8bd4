package dev.synod.zookeeper;

import dev.synod.stm.Atom;
import dev.synod.stm.Codec;
import dev.synod.stm.CoordinationException;
import dev.synod.stm.Identity;
import dev.synod.stm.LocalRef;
import dev.synod.stm.Ref;
import dev.synod.stm.Stm;
import dev.synod.stm.StmInterruptedException;
import dev.synod.stm.StmMetrics;
import dev.synod.stm.TxnFunction;
import dev.synod.stm.TxnOptions;
import dev.synod.stm.TxnRunnable;
import dev.synod.stm.spi.StateContainer;
import dev.synod.stm.spi.VersionedStateContainer;
import dev.synod.zookeeper.internal.CellPaths;
import dev.synod.zookeeper.internal.ZkCoordinator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.curator.RetryPolicy;
import org.apache.curator.framework.AuthInfo;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * A {@link Stm} whose refs and atoms live in ZooKeeper, shared by every client that connects to the
 * same ensemble and namespace.
 *
 * <pre>{@code
 * try (ZooKeeperStm stm = ZooKeeperStm.connect("127.0.0.1:2181")) {
 *     Ref<Integer> r0 = stm.ref("r0", Codec.json(Integer.class), 0);
 *     stm.run(txn -> r0.alter(x -> x + 1));
 * }
 * }</pre>
 *
 * <h2>Cost</h2>
 *
 * A transaction that writes sends exactly one ZooKeeper request, a {@code multi} of version checks
 * and writes, whatever the number of refs; a read-only transaction over refs already read once
 * sends none: every opened ref is cached and kept current by a persistent watch on its znode, so a
 * commit is announced only to the clients that opened the refs it wrote. Opening a ref costs one
 * read and one watch registration, pipelined (one round trip). Reading a ref outside a transaction
 * is a memory read.
 *
 * <h2>Layout</h2>
 *
 * A ref or atom named {@code a/b} is the znode {@code <namespace>/cells/a:b}; its bytes are a
 * Synod record (value, the id of the transaction that wrote it, and a bounded history of older
 * values tagged with the zxid at which they were current). Values are limited by ZooKeeper's
 * {@code jute.maxbuffer} (1 MiB by default) less a 4 KiB envelope: a larger value fails with
 * {@code ValueTooLargeException} before anything is sent.
 *
 * <h2>Faults</h2>
 *
 * <ul>
 *   <li>Connection lost during a commit: the transaction reads its refs back after reconnecting and
 *       looks for its own id, so that it applies exactly once or not at all; never re-sent
 *       blindly. If it cannot read back in time, {@code CommitOutcomeUnknownException}.
 *   <li>Disconnected: operations that must reach ZooKeeper wait for a reconnection up to the
 *       connection timeout, then fail with {@link CoordinationException} naming the connect string
 *       and the connection state. Reads that send nothing (a read outside a transaction, a
 *       read-only transaction) are answered from the cache for {@link Builder#maxStaleness} after
 *       the connection is lost (default: the connection timeout), then fail with {@link
 *       CoordinationException} until the connection is back and the cache has caught up.
 *   <li>A caller-owned client closed under this Stm: {@code StmClosedException} from every method
 *       that reads or changes state (adding a watch or a validator too), as after {@link #close()},
 *       which still closes quietly.
 *   <li>Session expired: Curator opens a new session; the watch is added again and every cached ref
 *       is read again (watches on refs hear of changes missed meanwhile, once each).
 *   <li>After {@link #close()}: every method that reads or changes state throws {@code
 *       StmClosedException} (see {@link Stm} for the few that still answer; {@link #curator()}
 *       returns the closed client).
 * </ul>
 *
 * <p>Thread-safe. Instances are created by {@link #connect(String)} or {@link #builder()}.
 */
public final class ZooKeeperStm implements Stm {
    /** The namespace used when none is given. */
    public static final String DEFAULT_NAMESPACE = "/synod";

    private final ZkCoordinator coordinator;
    private final Stm engine;

    private ZooKeeperStm(ZkCoordinator coordinator, TxnOptions options) {
        this.coordinator = coordinator;
        this.engine = Stm.create(coordinator, options);
    }

    /**
     * Connects to an ensemble with the defaults of {@link Builder} (namespace {@value
     * #DEFAULT_NAMESPACE}). Blocks until connected or until the connection timeout.
     *
     * @param connectString e.g. {@code "127.0.0.1:2181"} or {@code "zk1:2181,zk2:2181/chroot"}
     * @throws CoordinationException if ZooKeeper cannot be reached within the connection timeout
     * @throws NullPointerException if the connect string is null
     * @throws IllegalArgumentException if the connect string is blank
     * @throws StmInterruptedException if interrupted while connecting (the client is
     *     closed, and the thread's interrupt flag set again)
     */
    public static ZooKeeperStm connect(String connectString) {
        return builder().connectString(connectString).build();
    }

    /** A builder with the defaults: see each setter. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The Curator client in use: the one given to {@link Builder#client}, or the one built (and
     * owned) by this Stm. For building on the same session, e.g. lock guards in {@code stm-locks}.
     * Do not close a client owned by this Stm; close the Stm.
     */
    public CuratorFramework curator() {
        return coordinator.curator();
    }

    /**
     * The absolute znode path of this Stm's namespace, e.g. {@code /synod}. Refs live under {@code
     * <namespace>/cells}; {@code <namespace>/locks} is reserved for locks. It ignores any Curator
     * namespace of a caller-owned client: it is an absolute path.
     */
    public String namespacePath() {
        return coordinator.namespacePath();
    }

    @Override
    public <T> Ref<T> ref(String name, Codec<T> codec, T initial) {
        return engine.ref(name, codec, initial);
    }

    @Override
    public <T> Ref<T> ref(String name, Codec<T> codec) {
        return engine.ref(name, codec);
    }

    @Override
    public <T> Ref<T> ref(String name, VersionedStateContainer<T> container, T initial) {
        return engine.ref(name, container, initial);
    }

    @Override
    public <T> Atom<T> atom(String name, Codec<T> codec, T initial) {
        return engine.atom(name, codec, initial);
    }

    @Override
    public <T> Atom<T> atom(String name, Codec<T> codec) {
        return engine.atom(name, codec);
    }

    @Override
    public <T> Atom<T> atom(String name, VersionedStateContainer<T> container, T initial) {
        return engine.atom(name, container, initial);
    }

    @Override
    public <T> Atom<T> atom(String name, StateContainer<T> container, T initial) {
        return engine.atom(name, container, initial);
    }

    @Override
    public <T> LocalRef<T> localRef(T initial) {
        return engine.localRef(initial);
    }

    @Override
    public int sweepOrphans(Identity<?> identity, Duration olderThan) {
        return engine.sweepOrphans(identity, olderThan);
    }

    @Override
    public <R> R atomically(TxnFunction<R> body) {
        return engine.atomically(body);
    }

    @Override
    public <R> R atomically(TxnOptions options, TxnFunction<R> body) {
        return engine.atomically(options, body);
    }

    @Override
    public void run(TxnRunnable body) {
        engine.run(body);
    }

    @Override
    public void run(TxnOptions options, TxnRunnable body) {
        engine.run(options, body);
    }

    @Override
    public boolean inTransaction() {
        return engine.inTransaction();
    }

    @Override
    public TxnOptions defaultOptions() {
        return engine.defaultOptions();
    }

    @Override
    public StmMetrics metrics() {
        return engine.metrics();
    }

    @Override
    public String describe() {
        return engine.describe();
    }

    /**
     * Closes the Stm: stops the cache, and closes the Curator client if this Stm built it (its
     * session and watches end with it). A client given to {@link Builder#client} is left open and
     * this Stm's watches are removed from it, without waiting for the server's replies; a
     * persistent watch that the application itself added on one of Synod's cell znodes through that
     * client goes too. Returns within about a second. Idempotent.
     */
    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return "ZooKeeperStm[" + coordinator.describe() + "]";
    }

    /**
     * Configures a {@link ZooKeeperStm}. Either give a connect string (and optionally timeouts,
     * retry policy, ACLs and authorizations: the Stm then builds, starts and owns its Curator
     * client) or give a started {@link #client(CuratorFramework)} of your own. Every setter
     * validates its value at once and throws {@link IllegalArgumentException} naming it (or {@link
     * NullPointerException} for null). Not thread-safe; build once.
     */
    public static final class Builder {
        private String connectString;
        private String namespace = DEFAULT_NAMESPACE;
        private Duration sessionTimeout = Duration.ofSeconds(30);
        private Duration connectionTimeout = Duration.ofSeconds(15);
        private RetryPolicy retryPolicy;
        private ACLProvider aclProvider;
        private final List<AuthInfo> authorizations = new ArrayList<>();
        private TxnOptions defaultOptions = TxnOptions.defaults();
        private CuratorFramework client;
        private Duration maxStaleness;
        private final List<String> clientSettings = new ArrayList<>();

        private Builder() {}

        /** The ensemble, e.g. {@code "zk1:2181,zk2:2181"}, optionally with a chroot suffix. */
        public Builder connectString(String connectString) {
            Objects.requireNonNull(connectString, "connectString must not be null");
            if (connectString.isBlank()) {
                throw new IllegalArgumentException("connectString must not be blank");
            }
            this.connectString = connectString;
            return this;
        }

        /**
         * The absolute znode path under which refs live (default {@value #DEFAULT_NAMESPACE}): not
         * the root, no trailing '/', at most 500 characters.
         */
        public Builder namespace(String namespace) {
            this.namespace = CellPaths.validateNamespace(namespace);
            return this;
        }

        /** The ZooKeeper session timeout requested (default 30 s; the server may bound it). */
        public Builder sessionTimeout(Duration sessionTimeout) {
            this.sessionTimeout = positiveMillis("sessionTimeout", sessionTimeout);
            clientSettings.add("sessionTimeout");
            return this;
        }

        /**
         * How long to wait for a connection, at start and whenever an operation finds the client
         * disconnected (default 15 s).
         */
        public Builder connectionTimeout(Duration connectionTimeout) {
            this.connectionTimeout = positiveMillis("connectionTimeout", connectionTimeout);
            clientSettings.add("connectionTimeout");
            return this;
        }

        /**
         * Curator's retry policy for reads and node creation (default exponential backoff from 100
         * ms, 5 retries). Commits are never retried by the policy: a lost commit is resolved by
         * the engine.
         */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy must not be null");
            clientSettings.add("retryPolicy");
            return this;
        }

        /** ACLs for the znodes Synod creates (default: Curator's, open ACL). */
        public Builder aclProvider(ACLProvider aclProvider) {
            this.aclProvider = Objects.requireNonNull(aclProvider, "aclProvider must not be null");
            clientSettings.add("aclProvider");
            return this;
        }

        /**
         * Adds an authorization sent on every (re)connection, e.g. {@code authorization("digest",
         * "user:password".getBytes(UTF_8))}. May be called several times.
         */
        public Builder authorization(String scheme, byte[] auth) {
            Objects.requireNonNull(scheme, "authorization scheme must not be null");
            Objects.requireNonNull(auth, "authorization bytes must not be null");
            if (scheme.isBlank()) {
                throw new IllegalArgumentException("authorization scheme must not be blank");
            }
            authorizations.add(new AuthInfo(scheme, auth.clone()));
            clientSettings.add("authorization");
            return this;
        }

        /**
         * How long after the connection to ZooKeeper is lost reads are still answered from the
         * cache: {@link dev.synod.stm.Identity#get()} outside a transaction and read-only
         * transactions, which send nothing (default: the connection timeout). Past that, until
         * the connection is back and the cache has caught up, they throw {@link
         * CoordinationException} instead of serving state that may be that old (once the
         * connection is back they wait for the catch-up, up to the connection timeout). {@link
         * Duration#ZERO} stops them as soon as the connection is lost; a duration too long to count
         * in nanoseconds (about 292 years) means they never stop. Writes are not affected: their
         * commit checks what they read.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder maxStaleness(Duration maxStaleness) {
            Objects.requireNonNull(maxStaleness, "maxStaleness must not be null");
            if (maxStaleness.isNegative()) {
                throw new IllegalArgumentException("maxStaleness must not be negative but was " + maxStaleness);
            }
            this.maxStaleness = maxStaleness;
            return this;
        }

        /** Options of transactions run without explicit options (default {@link TxnOptions#defaults()}). */
        public Builder defaultOptions(TxnOptions defaultOptions) {
            this.defaultOptions = Objects.requireNonNull(defaultOptions, "defaultOptions must not be null");
            return this;
        }

        /**
         * Uses a started Curator client of your own instead of a connect string. The Stm never
         * closes it. Its Curator namespace, if any, is ignored: {@link #namespace(String)} is an
         * absolute path. Cannot be combined with the connection settings of this builder.
         */
        public Builder client(CuratorFramework client) {
            this.client = Objects.requireNonNull(client, "client must not be null");
            return this;
        }

        /**
         * Connects (blocking up to the connection timeout), creates {@code <namespace>/cells} if
         * absent and adds the watch.
         *
         * @throws IllegalStateException if neither or both of a connect string and a client were
         *     given, if connection settings were combined with a client, or if the client is not
         *     started
         * @throws CoordinationException if ZooKeeper cannot be reached within the connection timeout
         * @throws StmInterruptedException if interrupted while connecting or setting up (a client
         *     built here is closed; a caller's client is left as it was)
         */
        public ZooKeeperStm build() {
            if (client != null) {
                if (connectString != null || !clientSettings.isEmpty()) {
                    List<String> given = new ArrayList<>(clientSettings);
                    if (connectString != null) {
                        given.add(0, "connectString");
                    }
                    throw new IllegalStateException("client(...) cannot be combined with " + given
                            + ": configure those on your CuratorFramework");
                }
                if (client.getState() != CuratorFrameworkState.STARTED) {
                    throw new IllegalStateException("client must be started but its state is " + client.getState());
                }
                return new ZooKeeperStm(coordinator(client, false), defaultOptions);
            }
            if (connectString == null) {
                throw new IllegalStateException("either connectString(...) or client(...) must be given");
            }
            CuratorFramework built = buildClient();
            try {
                return new ZooKeeperStm(coordinator(built, true), defaultOptions);
            } catch (RuntimeException e) {
                built.close();
                throw e;
            }
        }

        private ZkCoordinator coordinator(CuratorFramework curator, boolean owned) {
            ZkCoordinator c = new ZkCoordinator(curator, owned, namespace);
            c.maxStaleness(maxStaleness);
            return c;
        }

        private CuratorFramework buildClient() {
            CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder()
                    .connectString(connectString)
                    .sessionTimeoutMs((int) sessionTimeout.toMillis())
                    .connectionTimeoutMs((int) connectionTimeout.toMillis())
                    .retryPolicy(retryPolicy != null ? retryPolicy : new ExponentialBackoffRetry(100, 5));
            if (aclProvider != null) {
                b.aclProvider(aclProvider);
            }
            if (!authorizations.isEmpty()) {
                b.authorization(List.copyOf(authorizations));
            }
            CuratorFramework c = b.build();
            c.start();
            try {
                if (!c.blockUntilConnected((int) connectionTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    c.close();
                    throw new CoordinationException("could not connect to ZooKeeper at " + connectString
                            + " within the connection timeout of " + connectionTimeout.toMillis() + " ms");
                }
            } catch (InterruptedException e) {
                c.close();
                Thread.currentThread().interrupt();
                throw new StmInterruptedException("interrupted while connecting to ZooKeeper at " + connectString);
            }
            return c;
        }

        private static Duration positiveMillis(String what, Duration d) {
            Objects.requireNonNull(d, what + " must not be null");
            if (d.isNegative() || d.isZero() || d.toMillis() < 1 || d.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        what + " must be between 1 ms and " + Integer.MAX_VALUE + " ms but was " + d);
            }
            return d;
        }
    }
}
