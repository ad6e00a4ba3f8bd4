package dev.synod.plugins.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A real database (H2 here) that names itself "GenericTestDB", so the containers take the GENERIC
 * dialect (update, then insert) on it; optionally it also behaves like a database that silently
 * truncates long binary values (MySQL's {@code BLOB} without strict mode), or holds every insert
 * until a number of them are waiting (two writers racing to create one row).
 */
final class GenericSqlDatabase implements DataSource {
    static final String PRODUCT = "GenericTestDB";

    private final DataSource real;
    private volatile int truncateTo = Integer.MAX_VALUE;
    private volatile CountDownLatch insertsTogether;

    GenericSqlDatabase(DataSource real) {
        this.real = real;
    }

    /** From now on, stores at most {@code bytes} bytes of any binary value, silently. */
    GenericSqlDatabase truncatingValuesTo(int bytes) {
        this.truncateTo = bytes;
        return this;
    }

    /** Holds each INSERT until {@code writers} of them are waiting (or 5 s passed). */
    GenericSqlDatabase holdingInsertsUntil(int writers) {
        this.insertsTogether = new CountDownLatch(writers);
        return this;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(real.getConnection());
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return wrap(real.getConnection(user, password));
    }

    private Connection wrap(Connection c) {
        return proxy(Connection.class, c, (m, args) -> {
            Object result = m.invoke(c, args);
            if (m.getName().equals("getMetaData")) {
                DatabaseMetaData md = (DatabaseMetaData) result;
                return proxy(
                        DatabaseMetaData.class,
                        md,
                        (mm, a) -> mm.getName().equals("getDatabaseProductName") ? PRODUCT : mm.invoke(md, a));
            }
            if (m.getName().equals("prepareStatement")) {
                return statement((PreparedStatement) result, ((String) args[0]).startsWith("INSERT"));
            }
            return result;
        });
    }

    private PreparedStatement statement(PreparedStatement ps, boolean insert) {
        return proxy(PreparedStatement.class, ps, (m, args) -> {
            if (m.getName().equals("setBytes") && ((byte[]) args[1]).length > truncateTo) {
                args[1] = Arrays.copyOf((byte[]) args[1], truncateTo);
            }
            CountDownLatch together = insertsTogether;
            if (insert && together != null && m.getName().equals("executeUpdate")) {
                together.countDown();
                together.await(5, TimeUnit.SECONDS);
            }
            return m.invoke(ps, args);
        });
    }

    /** What a proxy does with one call; exceptions of the real object pass through unwrapped. */
    private interface Call {
        Object on(Method m, Object[] args) throws Throwable;
    }

    private static <T> T proxy(Class<T> type, T target, Call call) {
        InvocationHandler handler = (p, m, args) -> {
            try {
                return call.on(m, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return type.cast(
                Proxy.newProxyInstance(GenericSqlDatabase.class.getClassLoader(), new Class<?>[] {type}, handler));
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return real.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        real.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        real.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return real.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return real.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return real.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return real.isWrapperFor(iface);
    }
}
