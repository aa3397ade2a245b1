package io.micronet.alerts;

import io.vertx.core.json.JsonObject;

/**
 * What a rule sees true now for one subject (a service, or an instance of it): the figure that made it true and a
 * sentence for people. {@link Detection} reports only the true ones: a subject it does not report is clear.
 */
public record Condition(Rule rule, String service, String instance, double value, String summary) {

  /** The alert's labels: what, besides the rule, tells this subject from another. */
  public JsonObject labels() {
    JsonObject labels = new JsonObject().put("service", service);
    if (instance != null) {
      labels.put("instance", instance);
    }
    return labels;
  }

  /** Rule id + labels: one alert at a time per fingerprint (deduplication). */
  public String fingerprint() {
    return fingerprint(rule.id(), service, instance);
  }

  static String fingerprint(String ruleId, String service, String instance) {
    return ruleId + "|service=" + service + (instance == null ? "" : "|instance=" + instance);
  }
}
