package dev.synod.it.docs;

import dev.synod.stm.Ref;
import dev.synod.zookeeper.ZooKeeperStm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the examples in the READMEs take as given: each example is compiled as the body of {@link
 * #example()} in a subclass, so these fields, types and methods are the names the examples use
 * without declaring them. The connect string {@value #DOCUMENTED_CONNECT_STRING} of the examples
 * is replaced with the test server's.
 */
public abstract class ReadmeContext {
    /** The connect string the examples are written with. */
    public static final String DOCUMENTED_CONNECT_STRING = "127.0.0.1:2181";

    /** The test server's connect string, in place of {@link #DOCUMENTED_CONNECT_STRING}. */
    protected String connectString;

    protected ZooKeeperStm stm;
    protected CuratorFramework curator;
    protected DataSource dataSource;
    protected Ref<Orders> orders;
    protected String item = "a book";
    protected final FencedStore store = new FencedStore();
    protected final String key = "order-17";
    protected final String value = "shipped";
    protected final Logger log = LoggerFactory.getLogger("readme");

    /** The example's code. */
    public abstract void example() throws Exception;

    void init(String connectString, ZooKeeperStm stm, CuratorFramework curator, DataSource dataSource) {
        this.connectString = connectString;
        this.stm = stm;
        this.curator = curator;
        this.dataSource = dataSource;
    }

    /** A new list: {@code list} with {@code x} at its end. */
    protected static <T> List<T> append(List<T> list, T x) {
        List<T> out = new ArrayList<>(list);
        out.add(x);
        return List.copyOf(out);
    }

    /** The orders of the lock examples. */
    public record Orders(List<String> items) {
        public static Orders none() {
            return new Orders(List.of());
        }

        public Orders plus(String item) {
            return new Orders(append(items, item));
        }
    }

    /** The value of the external-store example. */
    public record Cart(List<String> items) {
        public static Cart empty() {
            return new Cart(List.of());
        }
    }

    /** A store that refuses a fencing token lower than the highest it has seen for a key. */
    public static final class FencedStore {
        private final Map<String, Long> tokens = new HashMap<>();
        private final Map<String, String> values = new HashMap<>();

        public synchronized void write(String key, String value, long token) {
            Long seen = tokens.get(key);
            if (seen != null && token < seen) {
                throw new IllegalStateException("token " + token + " is older than " + seen);
            }
            tokens.put(key, token);
            values.put(key, value);
        }

        public synchronized String read(String key) {
            return values.get(key);
        }

        public synchronized Long token(String key) {
            return tokens.get(key);
        }
    }
}
