package io.micronet.alerts.delivery;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The channels managed over REST (the configured default and the feed are not stored). */
class ChannelRepository {

  private static final String COLUMNS = "id, name, kind, url, secret, enabled, created_at, updated_at";

  private final Pool pool;

  ChannelRepository(Pool pool) {
    this.pool = pool;
  }

  Future<List<Channel>> all() {
    return pool.query("SELECT " + COLUMNS + " FROM alert_channels ORDER BY name").execute().map(rows -> {
      List<Channel> channels = new ArrayList<>();
      rows.forEach(row -> channels.add(fromRow(row)));
      return channels;
    });
  }

  Future<Channel> find(String id) {
    return SqlTemplate.forQuery(pool, "SELECT " + COLUMNS + " FROM alert_channels WHERE id = #{id}").execute(Map.of("id", id))
      .map(rows -> rows.size() == 0 ? null : fromRow(rows.iterator().next()));
  }

  /** Fails with a unique violation when the name is taken. */
  Future<Void> insert(Channel channel) {
    return SqlTemplate.forUpdate(pool, "INSERT INTO alert_channels (" + COLUMNS + ") VALUES "
        + "(#{id}, #{name}, #{kind}, #{url}, #{secret}, #{enabled}, #{createdAt}, #{updatedAt})")
      .execute(params(channel)).mapEmpty();
  }

  /** False when it no longer exists. */
  Future<Boolean> update(Channel channel) {
    return SqlTemplate.forUpdate(pool, "UPDATE alert_channels SET name = #{name}, kind = #{kind}, url = #{url}, secret = #{secret}, "
        + "enabled = #{enabled}, updated_at = #{updatedAt} WHERE id = #{id}")
      .execute(params(channel)).map(result -> result.rowCount() == 1);
  }

  Future<Boolean> delete(String id) {
    return SqlTemplate.forUpdate(pool, "DELETE FROM alert_channels WHERE id = #{id}").execute(Map.of("id", id))
      .map(result -> result.rowCount() == 1);
  }

  private static Map<String, Object> params(Channel channel) {
    Map<String, Object> params = new HashMap<>();
    params.put("id", channel.id());
    params.put("name", channel.name());
    params.put("kind", channel.kind().label());
    params.put("url", channel.url());
    params.put("secret", channel.secret());
    params.put("enabled", channel.enabled());
    params.put("createdAt", channel.createdAt().toEpochMilli());
    params.put("updatedAt", channel.updatedAt().toEpochMilli());
    return params;
  }

  static Channel fromRow(Row row) {
    return new Channel(row.getString("id"), row.getString("name"), Channel.Kind.parse(row.getString("kind")), row.getString("url"),
      row.getString("secret"), row.getBoolean("enabled"), false, Instant.ofEpochMilli(row.getLong("created_at")),
      Instant.ofEpochMilli(row.getLong("updated_at")));
  }
}
