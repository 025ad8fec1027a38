package dev.vmesos.examples.throttle;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** The PostgreSQL side of a throttle run: the scheduler checks the database and creates the table. */
final class JdbcTarget {

  private JdbcTarget() {
  }

  /** Connects once (so a bad URL or a database that is down fails the run at once) and creates the table. */
  static void prepare(String url) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS " + Target.TABLE
          + " (query_no BIGINT NOT NULL, executed_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    } catch (SQLException e) {
      throw new SQLException("cannot use " + redact(url) + ": " + e.getMessage().lines().findFirst().orElse(""), e);
    }
  }

  /** The URL without its password parameter, for messages. */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }
}
