package dev.synod.it.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.synod.it.docs.ReadmeContext.Cart;
import dev.synod.it.docs.ReadmeContext.Orders;
import dev.synod.locks.DistributedReentrantLock;
import dev.synod.plugins.jdbc.JdbcVersionedStateContainer;
import dev.synod.stm.Codec;
import dev.synod.stm.Ref;
import dev.synod.zookeeper.ZooKeeperStm;
import dev.synod.zookeeper.testing.RequestCounter;
import dev.synod.zookeeper.testing.ZkHarness;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.apache.curator.framework.CuratorFramework;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java examples of the READMEs compile and do what their comments say, against a real
 * ZooKeeper server: each block is compiled as it stands (only the documented connect string is
 * replaced), run, and its effects checked from another client. A README that gains, loses or
 * changes a block fails here until the test knows it.
 */
class ReadmeExamplesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern JAVA_BLOCK = Pattern.compile("(?m)^```java\\n(.*?)^```", Pattern.DOTALL);
    private static final String IMPORTS = String.join(
            "\n",
            "import com.fasterxml.jackson.core.type.TypeReference;",
            "import dev.synod.locks.*;",
            "import dev.synod.plugins.jdbc.*;",
            "import dev.synod.stm.*;",
            "import dev.synod.zookeeper.*;",
            "import java.time.Duration;",
            "import java.util.*;",
            "");

    @TempDir
    Path classes;

    private ZkHarness zk;
    private JdbcDataSource h2;

    @BeforeEach
    void startServer() throws Exception {
        zk = ZkHarness.start();
        h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:readme-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
    }

    @AfterEach
    void stopServer() throws Exception {
        zk.close();
        try (Connection c = h2.getConnection();
                Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        }
    }

    @Test
    void everyJavaBlockOfTheReadmesIsCoveredHere() throws IOException {
        assertThat(blocks("README.md")).as("java blocks of README.md").hasSize(3);
        assertThat(blocks("stm-zookeeper/README.md"))
                .as("java blocks of stm-zookeeper/README.md")
                .hasSize(1);
        assertThat(blocks("stm-locks/README.md"))
                .as("java blocks of stm-locks/README.md")
                .hasSize(1);
        try (var files = Files.list(ROOT)) {
            for (Path module : files.filter(Files::isDirectory).toList()) {
                Path readme = module.resolve("README.md");
                String name = module.getFileName().toString();
                if (Files.isRegularFile(readme) && !name.equals("stm-zookeeper") && !name.equals("stm-locks")) {
                    assertThat(blocks(name + "/README.md"))
                            .as("java blocks of %s/README.md (add a test for each)", name)
                            .isEmpty();
                }
            }
        }
    }

    @Test
    void theTourChangesR0AndR1TogetherAndCountsHitsAndTheSequence() throws Exception {
        run("README.md", 0);

        ZooKeeperStm other = client();
        assertThat(other.ref("r0", Codec.json(Integer.class)).get()).isEqualTo(1);
        assertThat(other.ref("r1", Codec.json(new TypeReference<List<Integer>>() {}))
                        .get())
                .containsExactly(1);
        assertThat(other.ref("hits", Codec.json(Long.class)).get()).isEqualTo(1L);
        assertThat(other.atom("seq", Codec.json(Long.class)).get()).isEqualTo(1L);
    }

    @Test
    void theLockExampleCommitsUnderTheLockAndReleasesIt() throws Exception {
        ReadmeContext example = run("README.md", 1);

        assertThat(example.orders.get().items()).containsExactly(example.item);
        assertLockFree("orders");
    }

    @Test
    void theExternalStoreExampleKeepsTheCartInTheDatabase() throws Exception {
        run("README.md", 2);

        ZooKeeperStm other = client();
        var store =
                JdbcVersionedStateContainer.builder(h2, "carts/42", Cart.class).build();
        // attaching does not clobber: the value is the example's, not this initial one
        Ref<Cart> cart = other.ref("carts/42", store, new Cart(List.of("not the example's")));
        assertThat(cart.get()).isEqualTo(Cart.empty());
        try (Connection c = h2.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + JdbcVersionedStateContainer.DEFAULT_TABLE)) {
            rs.next();
            assertThat(rs.getInt(1)).as("versions stored in the database").isPositive();
        }
    }

    @Test
    void theZooKeeperModuleExampleBuildsAClientAndCommits() throws Exception {
        run("stm-zookeeper/README.md", 0);

        assertThat(client().ref("r0", Codec.json(Integer.class)).get()).isEqualTo(1);
    }

    @Test
    void theLocksModuleExampleWritesWithTheTokenAndCommitsUnderTheLock() throws Exception {
        ReadmeContext example = run("stm-locks/README.md", 0);

        assertThat(example.store.read(example.key)).isEqualTo(example.value);
        assertThat(example.store.token(example.key)).isPositive();
        assertThat(example.orders.get().items()).containsExactly(example.item);
        assertLockFree("orders");
    }

    /** Compiles block {@code index} of {@code readme}, runs it in a fresh context, returns the context. */
    private ReadmeContext run(String readme, int index) throws Exception {
        String block = blocks(readme).get(index);
        String body = block.replace("\"" + ReadmeContext.DOCUMENTED_CONNECT_STRING + "\"", "connectString");
        String className = "Example" + readme.replaceAll("[^A-Za-z]", "_") + index;
        ReadmeContext context =
                compile(className, body).getDeclaredConstructor().newInstance();
        ZooKeeperStm stm = client();
        context.init(zk.connectString(), stm, curator(), h2);
        context.orders = stm.ref("orders", Codec.json(Orders.class), Orders.none());
        context.example();
        return context;
    }

    private Class<? extends ReadmeContext> compile(String className, String body) throws Exception {
        String source = "package readme;\n" + IMPORTS + "\npublic class " + className + " extends "
                + ReadmeContext.class.getCanonicalName() + " {\n@Override public void example() throws Exception {\n"
                + body + "\n}\n}\n";
        Path file = classes.resolve("src/readme/" + className + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source, StandardCharsets.UTF_8);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<String> options = List.of("-classpath", classPath, "-d", classes.toString(), "-proc:none");
            boolean ok = javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(file))
                    .call();
            if (!ok) {
                StringBuilder report = new StringBuilder("the example does not compile:\n");
                for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                    report.append("line ")
                            .append(d.getLineNumber())
                            .append(": ")
                            .append(d.getMessage(Locale.ROOT))
                            .append('\n');
                }
                fail(report.append(numbered(source)).toString());
            }
        }
        URLClassLoader loader =
                new URLClassLoader(new URL[] {classes.toUri().toURL()}, ReadmeContext.class.getClassLoader());
        zk.track(loader);
        return loader.loadClass("readme." + className).asSubclass(ReadmeContext.class);
    }

    private static String numbered(String source) {
        StringBuilder out = new StringBuilder();
        String[] lines = source.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            out.append(String.format(Locale.ROOT, "%4d  %s%n", i + 1, lines[i]));
        }
        return out.toString();
    }

    private static List<String> blocks(String readme) throws IOException {
        Matcher m = JAVA_BLOCK.matcher(Files.readString(ROOT.resolve(readme), StandardCharsets.UTF_8));
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    /** Another client of the server: its own session. */
    private ZooKeeperStm client() {
        return zk.track(ZooKeeperStm.connect(zk.connectString()));
    }

    /** A started, connected Curator client of its own session. */
    private CuratorFramework curator() throws InterruptedException {
        return zk.client(new RequestCounter());
    }

    /**
     * Another session takes the lock and gives it back: the example released it (a hold the
     * example kept would make this wait out the timeout and fail).
     */
    private void assertLockFree(String name) throws InterruptedException {
        DistributedReentrantLock lock = new DistributedReentrantLock(curator(), name);
        assertThat(lock.tryLock(10, TimeUnit.SECONDS))
                .as("lock %s is free after the example", name)
                .isTrue();
        lock.unlock();
    }
}
