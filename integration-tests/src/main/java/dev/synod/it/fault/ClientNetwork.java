package dev.synod.it.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The network between one client process and the ensemble: one {@link TcpProxy} per server, so
 * the faults apply to that client alone. Thread-safe.
 */
public final class ClientNetwork implements AutoCloseable {
    private final List<TcpProxy> proxies = new ArrayList<>();

    /** Opens a proxy to every server of {@code ensemble}. */
    public ClientNetwork(Ensemble ensemble) {
        for (int i = 0; i < ensemble.size(); i++) {
            proxies.add(new TcpProxy(ensemble.clientPort(i)));
        }
    }

    /** The connect string the client uses: the proxies. */
    public String connectString() {
        return proxies.stream().map(TcpProxy::address).collect(Collectors.joining(","));
    }

    /** Cuts every connection of the client. */
    public void cut() {
        proxies.forEach(TcpProxy::cut);
    }

    /** Freezes (partitions) or heals the client's connections. */
    public void freeze(boolean freeze) {
        proxies.forEach(p -> p.freeze(freeze));
    }

    /** Delays the client's traffic by {@code millis} each way (0: none). */
    public void delay(long millis) {
        proxies.forEach(p -> p.delay(millis));
    }

    @Override
    public void close() {
        proxies.forEach(TcpProxy::close);
    }
}
