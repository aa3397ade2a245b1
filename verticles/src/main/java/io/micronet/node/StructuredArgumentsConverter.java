package io.micronet.node;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import net.logstash.logback.argument.StructuredArgument;

import java.util.StringJoiner;

/**
 * The structured fields of a log line ({@code kv("requestId", …)}) for the plain format, as {@code key=value}:
 * the JSON format has them as fields, a person at a terminal reads them after the message.
 */
public class StructuredArgumentsConverter extends ClassicConverter {

  @Override
  public String convert(ILoggingEvent event) {
    Object[] arguments = event.getArgumentArray();
    if (arguments == null || arguments.length == 0) {
      return "";
    }
    StringJoiner fields = new StringJoiner(" ", " ", "");
    for (Object argument : arguments) {
      if (argument instanceof StructuredArgument) {
        fields.add(String.valueOf(argument));
      }
    }
    return fields.length() == 1 ? "" : fields.toString();
  }
}
