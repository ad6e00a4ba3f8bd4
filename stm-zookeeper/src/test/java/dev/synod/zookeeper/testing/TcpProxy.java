package dev.synod.zookeeper.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of a server, to cut connections in the middle of requests:
 * {@link #dropConnections()} closes every open connection at once (the client sees a connection
 * loss and reconnects through the proxy, keeping its session).
 */
public final class TcpProxy implements AutoCloseable {
    private final List<ServerSocket> listeners = new CopyOnWriteArrayList<>();
    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicLong drops = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param listenerCount how many addresses to listen on: with two, a client reconnects at once
     *     to the other address instead of pausing a second before retrying its only one
     */
    public TcpProxy(int targetPort, int listenerCount) throws IOException {
        this.targetPort = targetPort;
        for (int i = 0; i < listenerCount; i++) {
            ServerSocket listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            listeners.add(listener);
            Thread acceptor = new Thread(() -> accept(listener), "tcp-proxy-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }
    }

    public String connectString() {
        return String.join(
                ",",
                listeners.stream().map(l -> "127.0.0.1:" + l.getLocalPort()).toList());
    }

    /** Closes every connection currently open through the proxy. */
    public void dropConnections() {
        drops.incrementAndGet();
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    public long drops() {
        return drops.get();
    }

    /**
     * Cuts every connection when the next client-to-server chunk of at least {@code minBytes}
     * passes (a request carrying data, e.g. a commit, rather than a ping): after forwarding it (the
     * server applies the request but its reply is lost) or instead of forwarding it (the request
     * never arrives).
     */
    public void dropOnNextRequest(int minBytes, boolean forwardFirst) {
        this.forwardFirst = forwardFirst;
        this.armedMinBytes = minBytes;
    }

    /** While true, new connections are accepted and closed at once (a server that cannot be reached). */
    public void refuseConnections(boolean refuse) {
        this.refusing = refuse;
    }

    /**
     * Cuts every connection when the next server-to-client chunk of at least {@code minBytes}
     * arrives, without forwarding it: the request it answers was certainly applied, and the client
     * never learns so.
     */
    public void dropOnNextReply(int minBytes) {
        this.armedReplyMinBytes = minBytes;
    }

    private volatile int armedReplyMinBytes = -1;
    private volatile boolean refusing;
    private volatile int armedMinBytes = -1;
    private volatile boolean forwardFirst;

    private void accept(ServerSocket listener) {
        while (!closed) {
            try {
                Socket client = listener.accept();
                if (refusing) {
                    closeQuietly(client);
                    continue;
                }
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                open.add(client);
                open.add(server);
                pump(client, server, true);
                pump(server, client, false);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean upstream) {
        Thread t = new Thread(
                () -> {
                    byte[] buffer = new byte[64 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buffer)) >= 0) {
                            int armedReply = armedReplyMinBytes;
                            if (!upstream && armedReply >= 0 && n >= armedReply) {
                                armedReplyMinBytes = -1;
                                dropConnections();
                                return;
                            }
                            int armed = armedMinBytes;
                            if (upstream && armed >= 0 && n >= armed) {
                                armedMinBytes = -1;
                                if (forwardFirst) {
                                    out.write(buffer, 0, n);
                                    out.flush();
                                }
                                dropConnections();
                                return;
                            }
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // connection dropped
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                },
                "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // ignore
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        for (ServerSocket listener : listeners) {
            listener.close();
        }
        dropConnections();
    }
}
