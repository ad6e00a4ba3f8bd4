package dev.synod.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Forwards a local port to a real service; {@link #close()} stops listening and cuts every
 * connection, so clients meet a real closed port (the store "goes away"); {@link #blackHole()}
 * keeps every connection open but forwards nothing more, so clients wait for answers that never
 * come (the store "hangs"); {@link #hold()} delays every byte until {@link #release()} (a request
 * sent, arriving late).
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean blackHoled;
    private boolean held; // guarded by this

    /** From now on forwards nothing until {@link #release()}, which forwards what came meanwhile. */
    public synchronized void hold() {
        held = true;
    }

    /** Forwards what was held, and everything after it. */
    public synchronized void release() {
        held = false;
        notifyAll();
    }

    private synchronized void awaitRelease() throws InterruptedException {
        while (held) {
            wait();
        }
    }

    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tcp-proxy-" + targetPort);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /**
     * From now on drops every byte in both directions and accepts new connections without
     * forwarding them: nothing is closed, nothing is answered.
     */
    public void blackHole() {
        blackHoled = true;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                if (blackHoled) {
                    continue; // held open, never answered
                }
                Socket upstream = new Socket(targetHost, targetPort);
                sockets.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(
                () -> {
                    byte[] buf = new byte[64 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buf)) >= 0) {
                            awaitRelease();
                            if (!blackHoled) {
                                out.write(buf, 0, n);
                            }
                        }
                    } catch (IOException e) {
                        // connection cut
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                },
                "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        release();
        closeQuietly(server);
        sockets.forEach(TcpProxy::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
