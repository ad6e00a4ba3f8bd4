package dev.synod.it.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 in front of one server port, with three faults:
 *
 * <ul>
 *   <li>{@link #cut()}: closes every open connection at once (both ends see a reset or EOF);
 *   <li>{@link #freeze(boolean)}: stops forwarding bytes (connections stay open and silent, as in a
 *       partition); unfreezing cuts the connections that lived through it, as a healed partition
 *       whose peers have given up;
 *   <li>{@link #delay(long)}: forwards every chunk after a delay.
 * </ul>
 *
 * <p>A connection to a target that refuses is closed at once. Thread-safe; two threads per
 * connection.
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private volatile boolean frozen;
    private volatile long delayMillis;
    private volatile boolean closed;

    /** Starts a proxy to {@code targetPort} on a free local port. */
    public TcpProxy(int targetPort) {
        this.targetPort = targetPort;
        try {
            this.listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a proxy port", e);
        }
        Thread acceptor = new Thread(this::accept, "proxy-accept-" + targetPort);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The proxy's address, {@code 127.0.0.1:port}. */
    public String address() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    /** Closes every connection currently open through the proxy. */
    public void cut() {
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    /** Stops ({@code true}) or resumes forwarding; resuming cuts the frozen connections. */
    public void freeze(boolean freeze) {
        synchronized (gate) {
            frozen = freeze;
            gate.notifyAll();
        }
        if (!freeze) {
            cut();
        }
    }

    /** Delays every forwarded chunk by {@code millis} (0: none). */
    public void delay(long millis) {
        delayMillis = millis;
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            try {
                Socket server = new Socket();
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 1_000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                open.add(client);
                open.add(server);
                pump(client, server);
                pump(server, client);
            } catch (IOException e) {
                closeQuietly(client); // the target is down
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(
                () -> {
                    byte[] buffer = new byte[64 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                            awaitOpen();
                            long delay = delayMillis;
                            if (delay > 0) {
                                Thread.sleep(delay);
                            }
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    } catch (IOException | InterruptedException e) {
                        // cut, or the peer closed
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                        open.remove(from);
                        open.remove(to);
                    }
                },
                "proxy-pump-" + targetPort);
        t.setDaemon(true);
        t.start();
    }

    private void awaitOpen() throws InterruptedException {
        synchronized (gate) {
            while (frozen && !closed) {
                gate.wait();
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** Stops listening and cuts every connection. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // already closed
        }
        freeze(false);
    }
}
