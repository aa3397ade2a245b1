package io.micronet.shared.storage;

import io.vertx.sqlclient.DatabaseException;

import java.sql.SQLException;

/** Reads the SQL state out of a failure from either engine (PostgreSQL client or JDBC/H2). */
public final class SqlErrors {

  private static final String UNIQUE_VIOLATION = "23505";
  private static final String CHECK_VIOLATION = "23514";

  private SqlErrors() {
  }

  public static boolean isUniqueViolation(Throwable failure) {
    return UNIQUE_VIOLATION.equals(sqlState(failure));
  }

  public static boolean isCheckViolation(Throwable failure) {
    return CHECK_VIOLATION.equals(sqlState(failure));
  }

  static String sqlState(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof DatabaseException db && db.getSqlState() != null) {
        return db.getSqlState();
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return null;
  }
}
