package io.micronet.shared.storage;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

/**
 * JDBC connections for the embedded pool that go back to auto-commit when a transaction ends.
 * <p>
 * vertx-jdbc-client 5.0.x ends every {@code commit()}/{@code rollback()} with {@code setAutoCommit(false)}
 * (vert-x3/vertx-jdbc-client#356, fixed upstream by #358 after 5.0.7): the pooled connection then stays in
 * manual-commit mode, and every later statement outside a transaction on it succeeds but is never
 * committed: invisible to the other connections, lost when the pool closes. Here the call to
 * {@code setAutoCommit} that immediately follows a commit or rollback turns auto-commit back on instead.
 * Drop this class when the client restores auto-commit itself.
 */
final class AutoCommitDataSource implements DataSource {

  private final String url;
  private final String user;
  private final String password;

  AutoCommitDataSource(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return wrap(DriverManager.getConnection(url, user, password));
  }

  @Override
  public Connection getConnection(String username, String pass) throws SQLException {
    return wrap(DriverManager.getConnection(url, username, pass));
  }

  static Connection wrap(Connection connection) {
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
      new RestoreAutoCommit(connection));
  }

  private static final class RestoreAutoCommit implements InvocationHandler {

    private final Connection target;
    /** A commit or rollback was the last call: the client's {@code setAutoCommit(false)} comes next. */
    private boolean transactionJustEnded;

    RestoreAutoCommit(Connection target) {
      this.target = target;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      boolean noArgs = args == null || args.length == 0;
      if (transactionJustEnded && name.equals("setAutoCommit")) {
        transactionJustEnded = false;
        target.setAutoCommit(true);
        return null;
      }
      transactionJustEnded = false;
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      } finally {
        if (noArgs && (name.equals("commit") || name.equals("rollback"))) {
          transactionJustEnded = true;
        }
      }
    }
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    // the driver logs through its own settings
  }

  @Override
  public void setLoginTimeout(int seconds) {
    // an embedded database has no login to wait for
  }

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    throw new SQLException("not a wrapper of " + type.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return type.isInstance(this);
  }
}
