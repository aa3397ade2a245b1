package io.micronet.alerts;

import java.util.List;

/**
 * The platform signals a {@code signal} rule may name, and where each comes from: {@code breakerOpen} (callers whose
 * breaker to an instance is OPEN, from {@code micronet.breakers}), {@code databaseDown} (1 for an instance whose health
 * check says its database is down, from the monitor's snapshots), {@code ordersStuckPending} and
 * {@code recoveryBacklog} (what orders' recovery left unfinished past its recovery time, from the orders instances'
 * {@code signal} events on {@code micronet.signals}).
 */
final class Signals {

  static final String BREAKER_OPEN = "breakerOpen";
  static final String DATABASE_DOWN = "databaseDown";
  static final String ORDERS_STUCK_PENDING = "ordersStuckPending";
  static final String RECOVERY_BACKLOG = "recoveryBacklog";
  static final List<String> NAMES = List.of(BREAKER_OPEN, DATABASE_DOWN, ORDERS_STUCK_PENDING, RECOVERY_BACKLOG);

  private Signals() {
  }
}
