package dev.synod.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One child JVM running {@code synod demo-client} with this JVM's classpath: started, told to go
 * and stop over its stdin, and read over its stdout. Its stderr is passed on, prefixed. Thread-safe.
 */
final class ClientProcess {
    private final int index;
    private final Process process;
    private final Writer stdin;
    private volatile DemoStats latest = DemoStats.ZERO;
    private volatile DemoStats done;
    private volatile boolean ready;
    private volatile boolean ended;

    private ClientProcess(int index, Process process, PrintWriter err) {
        this.index = index;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readStdout, "demo-client-" + index + "-stdout");
        reader.setDaemon(true);
        reader.start();
        Thread errors = new Thread(() -> forwardStderr(err), "demo-client-" + index + "-stderr");
        errors.setDaemon(true);
        errors.start();
    }

    /** Starts client {@code index}; {@code args} follow {@code demo-client}. */
    static ClientProcess start(int index, List<String> args, PrintWriter err) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // small, quick-starting JVMs: the work is network-bound
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Synod.class.getName(), "demo-client"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).start();
        return new ClientProcess(index, p, err);
    }

    private void readStdout() {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.equals("READY")) {
                    ready = true;
                } else if (line.startsWith("STAT ")) {
                    latest = DemoStats.parse(line);
                } else if (line.startsWith("DONE ")) {
                    done = DemoStats.parse(line);
                    latest = done;
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // the process went away; ended() tells
        } finally {
            ended = true;
        }
    }

    private void forwardStderr(PrintWriter err) {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (err) {
                    err.println("[client " + index + "] " + line);
                    err.flush();
                }
            }
        } catch (IOException e) {
            // gone
        }
    }

    int index() {
        return index;
    }

    boolean ready() {
        return ready;
    }

    /** Whether its stdout has closed (it exited, or is exiting). */
    boolean ended() {
        return ended;
    }

    DemoStats latest() {
        return latest;
    }

    /** Its final report, or null if it has not sent one (yet). */
    DemoStats done() {
        return done;
    }

    void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            // it exited: ended() and its exit code tell why
        }
    }

    /** Waits for it to exit; returns the exit code, or -1 if it is still running. */
    int awaitExit(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** Ends it: closes its stdin (it stops by itself), then kills it if it is still there. */
    void kill() {
        try {
            stdin.close();
        } catch (IOException e) {
            // already closed
        }
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
