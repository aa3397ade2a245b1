package io.micronet.alerts.delivery;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

/**
 * Every channel: the configured default webhook (when MICRONET_ALERT_WEBHOOK_URL is set), the dashboard feed, and
 * those stored. The first two are built in: listed, never stored, not changed over REST.
 */
class Channels {

  private final ChannelRepository repository;
  private final Channel defaultWebhook;
  private final Channel feed = new Channel(Channel.FEED_ID, "dashboard", Channel.Kind.FEED, null, null, true, true, null, null);

  Channels(ChannelRepository repository, DeliverySettings settings) {
    this.repository = repository;
    this.defaultWebhook = settings.webhookUrl() == null ? null
      : new Channel(Channel.DEFAULT_ID, "default", Channel.Kind.WEBHOOK, settings.webhookUrl(), settings.webhookSecret(), true, true,
        null, null);
  }

  static boolean isBuiltIn(String id) {
    return Channel.DEFAULT_ID.equals(id) || Channel.FEED_ID.equals(id);
  }

  static boolean isReservedName(String name) {
    return "default".equalsIgnoreCase(name) || "dashboard".equalsIgnoreCase(name);
  }

  /** All channels, built-in first. */
  Future<List<Channel>> all() {
    return repository.all().map(stored -> {
      List<Channel> all = new ArrayList<>();
      if (defaultWebhook != null) {
        all.add(defaultWebhook);
      }
      all.add(feed);
      all.addAll(stored);
      return all;
    });
  }

  /** Those a notification is queued for: enabled, and not the feed (the engine publishes there itself). */
  Future<List<Channel>> delivering() {
    return all().map(channels -> channels.stream().filter(Channel::delivers).toList());
  }

  /** The channel with {@code id}, or null (deleted, or the default no longer configured). */
  Future<Channel> find(String id) {
    if (Channel.DEFAULT_ID.equals(id)) {
      return Future.succeededFuture(defaultWebhook);
    }
    if (Channel.FEED_ID.equals(id)) {
      return Future.succeededFuture(feed);
    }
    return repository.find(id);
  }

  ChannelRepository repository() {
    return repository;
  }
}
