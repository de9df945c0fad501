package uk.safeguarding.gateway.logging;

import io.quarkus.logging.LoggingFilter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Makes a record's message safe inside a JSON string, for the production console format (one JSON
 * object per line: {@code quarkus.log.console.format} in application.properties). It escapes quotes,
 * backslashes and every control character (so CR, LF and ANSI escapes are written as {@code \n},
 * {@code \r}, {@code \u001b}: the {@link LogSanitiser} rule holds), and folds a stack trace into the
 * message so it stays on the record's one line. Only for a handler whose format quotes {@code %s}.
 */
@LoggingFilter(name = "json-log")
public final class JsonLogFilter implements Filter {

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record instanceof ExtLogRecord ext) {
            String message = ext.getFormattedMessage();
            StringBuilder text = new StringBuilder(message == null ? "" : message);
            Throwable thrown = ext.getThrown();
            if (thrown != null) {
                StringWriter trace = new StringWriter();
                thrown.printStackTrace(new PrintWriter(trace));
                text.append('\n').append(trace.toString().stripTrailing());
                ext.setThrown(null);
            }
            ext.setMessage(escape(text), ExtLogRecord.FormatStyle.NO_FORMAT);
            ext.setParameters(null);
        }
        return true;
    }

    /** The text as the inside of a JSON string (RFC 8259), with the line and paragraph separators escaped too. */
    public static String escape(CharSequence text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (LogSanitiser.control(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
