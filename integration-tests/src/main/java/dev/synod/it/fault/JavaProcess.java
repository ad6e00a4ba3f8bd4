package dev.synod.it.fault;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child JVM started with this JVM's (test) class path: its stderr goes to a log file, and its
 * stdout is read line by line: lines starting with {@value #EVENT_PREFIX} are events handed to a
 * consumer (the control channel of the workload clients), others are appended to the log.
 *
 * <p>Signals are sent with the {@code kill} command, so {@link #pause()} ({@code SIGSTOP}) and
 * {@link #resume()} ({@code SIGCONT}) freeze the whole process as a long GC pause would, and
 * {@link #kill()} is a {@code SIGKILL}. Thread-safe.
 */
public final class JavaProcess implements AutoCloseable {
    /** The prefix of an event line on a child's stdout. */
    public static final String EVENT_PREFIX = "@";

    private static final Logger log = LoggerFactory.getLogger(JavaProcess.class);

    private final String name;
    private final Process process;
    private final Thread reader;

    private JavaProcess(String name, Process process, Path log, Consumer<String> events) {
        this.name = name;
        this.process = process;
        this.reader = new Thread(() -> pump(log, events), "stdout-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code mainClass} in a new JVM.
     *
     * @param log the file that receives the child's stderr and non-event stdout
     * @param events receives each event line, without the prefix, on a reader thread
     */
    public static JavaProcess start(
            String name, String mainClass, List<String> jvmArgs, List<String> args, Path log, Consumer<String> events) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classPath());
        command.add(mainClass);
        command.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            JavaProcess started = new JavaProcess(name, process, log, events);
            JavaProcess.log.debug("started {} (pid {}): {}", name, process.pid(), mainClass);
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** The class path of this JVM's tests (surefire's, when run by surefire). */
    static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    private void pump(Path logFile, Consumer<String> events) {
        try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                BufferedWriter out = Files.newBufferedWriter(
                        logFile.resolveSibling(logFile.getFileName() + ".out"),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith(EVENT_PREFIX)) {
                    try {
                        events.accept(line.substring(EVENT_PREFIX.length()));
                    } catch (RuntimeException e) {
                        log.warn("{}: event consumer failed on '{}'", name, line, e);
                    }
                } else {
                    out.write(line);
                    out.newLine();
                    out.flush();
                }
            }
        } catch (IOException e) {
            log.debug("{}: stdout closed", name, e);
        }
    }

    /** Writes {@code line} to the child's stdin (its control channel from the test). */
    public void send(String line) {
        try {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + name, e);
        }
    }

    /** The process id. */
    public long pid() {
        return process.pid();
    }

    /** The name given at start. */
    public String name() {
        return name;
    }

    /** Whether the process is still running (a paused process is running). */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Freezes the process ({@code SIGSTOP}). */
    public void pause() {
        signal("STOP");
    }

    /** Lets a paused process run again ({@code SIGCONT}). */
    public void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                if (!process.isAlive()) {
                    return; // it exited since the caller looked (a client at the end of its run)
                }
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot signal " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + name, e);
        }
    }

    /**
     * Waits for the process to exit.
     *
     * @return the exit code, or -1 if it is still running after {@code timeout}
     */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return -1;
        }
        reader.join(2_000);
        return process.exitValue();
    }

    /** Kills the process with {@code SIGKILL} and waits for it to be gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
            reader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the process if it is still running (resuming it first, in case it is paused). */
    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                resume();
            } catch (RuntimeException e) {
                log.debug("{}: cannot resume before kill", name, e);
            }
            kill();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
