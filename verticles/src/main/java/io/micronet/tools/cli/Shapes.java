package io.micronet.tools.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reading the platform's JSON without depending on every detail of its layout: a list may come bare, as a page
 * ({@code items}) or under a name; a set of named things as an array of records or an object keyed by name. The
 * tables name what they show; the rest of a reply is there with {@code --json}.
 */
final class Shapes {

  private Shapes() {
  }

  /** The records of a list reply: a bare array, a page's {@code items}, or the one array-valued field named. */
  static List<JsonObject> items(Object json, String... names) {
    if (json instanceof JsonArray array) {
      return objects(array);
    }
    if (json instanceof JsonObject object) {
      if (object.getValue("items") instanceof JsonArray array) {
        return objects(array);
      }
      for (String name : names) {
        Object value = object.getValue(name);
        if (value instanceof JsonArray || value instanceof JsonObject) {
          return named(value, "name", "id").stream().map(Map.Entry::getValue).toList();
        }
      }
    }
    return List.of();
  }

  /** (name, record) pairs from an object keyed by name or an array of records naming themselves. */
  static List<Map.Entry<String, JsonObject>> named(Object value, String... nameFields) {
    List<Map.Entry<String, JsonObject>> out = new ArrayList<>();
    if (value instanceof JsonObject object) {
      for (Map.Entry<String, Object> entry : object) {
        if (entry.getValue() instanceof JsonObject record) {
          JsonObject withName = record.copy();
          if (nameFields.length > 0) {
            withName.getMap().putIfAbsent(nameFields[0], entry.getKey());
          }
          out.add(new AbstractMap.SimpleImmutableEntry<>(entry.getKey(), withName));
        }
      }
    } else if (value instanceof JsonArray array) {
      for (JsonObject record : objects(array)) {
        out.add(new AbstractMap.SimpleImmutableEntry<>(Cells.text(Cells.first(record, nameFields)), record));
      }
    }
    return out;
  }

  static List<JsonObject> objects(JsonArray array) {
    return array.stream().filter(JsonObject.class::isInstance).map(JsonObject.class::cast).toList();
  }

  /** Reasons as one line: {@code reasons} (texts or records with a text) or {@code reason}. */
  static String reasons(JsonObject record) {
    Object value = Cells.first(record, "reasons", "reason", "why");
    if (value instanceof JsonArray list) {
      List<String> texts = new ArrayList<>();
      for (Object item : list) {
        texts.add(item instanceof JsonObject o ? Cells.text(Cells.first(o, "text", "message", "reason")) : Cells.text(item));
      }
      return texts.isEmpty() ? "" : String.join("; ", texts);
    }
    return value == null ? "" : Cells.text(value);
  }

  /** A count: a number as it is, a list or an object by its size. */
  static String count(Object value) {
    if (value instanceof JsonArray list) {
      return String.valueOf(list.size());
    }
    if (value instanceof JsonObject object) {
      return String.valueOf(object.size());
    }
    return Cells.text(value);
  }
}
