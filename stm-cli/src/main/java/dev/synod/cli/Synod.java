package dev.synod.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.synod.stm.CoordinationException;
import dev.synod.stm.CorruptRecordException;
import dev.synod.stm.NoSuchRefException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code synod} command: a demo, a local ZooKeeper, inspection of refs, atoms and locks on any
 * ensemble, and benchmarks. Exit codes: see {@link Failure}.
 */
@Command(
        name = "synod",
        mixinStandardHelpOptions = true,
        versionProvider = Synod.Version.class,
        description = "Distributed software transactional memory on ZooKeeper: demo, local server, inspection"
                + " and benchmarks.",
        subcommands = {
            HelpCommand.class,
            DemoCommand.class,
            DemoClientCommand.class,
            ServerCommand.class,
            LsCommand.class,
            GetCommand.class,
            WatchCommand.class,
            LocksCommand.class,
            SwapCommand.class,
            ResetCommand.class,
            BenchCommand.class
        },
        footer = {
            "",
            "Exit codes: 0 ok, 1 check failed, 2 usage error, 3 cannot connect, 4 unknown ref,"
                    + " 5 bad name, 6 corrupt data, 7 outcome of a change unknown."
        })
public final class Synod implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--verbose",
            scope = ScopeType.INHERIT,
            description = "show stack traces and ZooKeeper's log on errors")
    boolean verbose;

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "synod-logback.xml");
        }
        PrintStream out = System.out;
        PrintStream err = System.err;
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the tool with the given streams and returns the exit code; never calls System.exit. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        configureLogging(verbose);
        PrintWriter o = new PrintWriter(new OutputStreamWriter(new Checked(out), StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        CommandLine cl = new CommandLine(new Synod());
        cl.setOut(o);
        cl.setErr(e);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr()
                    .println("synod: " + ex.getMessage() + " (see: "
                            + c.getCommandSpec().qualifiedName() + " --help)");
            c.getErr().flush();
            return Failure.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> report(ex, c.getErr(), verbose));
        int code = cl.execute(args);
        o.flush();
        e.flush();
        return code;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Passes a {@link PrintStream}'s failures on: a {@code PrintStream} keeps them to itself (as
     * when the reader of a pipe, say {@code head}, has gone), so the {@code PrintWriter} over it
     * would never report them, and {@code watch} would go on for ever.
     */
    private static final class Checked extends java.io.FilterOutputStream {
        private final PrintStream stream;

        Checked(PrintStream stream) {
            super(stream);
            this.stream = stream;
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            stream.write(b, off, len);
            check();
        }

        @Override
        public void flush() throws java.io.IOException {
            stream.flush();
            check();
        }

        private void check() throws java.io.IOException {
            if (stream.checkError()) {
                throw new java.io.IOException("standard output is closed");
            }
        }
    }

    /** One line on stderr, and the exit code the failure stands for. */
    static int report(Throwable ex, PrintWriter err, boolean verbose) {
        int code = exitCode(ex);
        err.println("synod: " + message(ex));
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    static int exitCode(Throwable ex) {
        if (ex instanceof Failure f) {
            return f.exitCode();
        }
        if (ex instanceof CoordinationException) {
            return Failure.CANNOT_CONNECT;
        }
        if (ex instanceof NoSuchRefException) {
            return Failure.UNKNOWN_REF;
        }
        if (ex instanceof CorruptRecordException) {
            return Failure.CORRUPT;
        }
        return Failure.CHECK_FAILED;
    }

    private static String message(Throwable ex) {
        String m = ex.getMessage();
        if (ex instanceof Failure || ex instanceof dev.synod.stm.StmException) {
            return m;
        }
        return ex.getClass().getSimpleName() + (m == null ? "" : ": " + m) + " (run with --verbose for details)";
    }

    /** The log is for diagnosing the tool: ZooKeeper and Curator are quiet unless --verbose. */
    static void configureLogging(boolean verbose) {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx) {
            Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.setLevel(verbose ? Level.INFO : Level.OFF);
        }
    }

    /** The version from the jar's manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Synod.class.getPackage().getImplementationVersion();
            return new String[] {"synod " + (v == null ? "(development build)" : v)};
        }
    }
}
