package uk.safeguarding.gateway.logging;

import io.quarkus.logging.LoggingFilter;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Escapes CR, LF, ANSI escape and other control characters in every log message, so text that
 * reached a message from a request (a header, an error from a parser) cannot forge log lines or
 * recolour a terminal. Registered on the console (and, in tests, the file) handler.
 */
@LoggingFilter(name = "log-sanitiser")
public final class LogSanitiser implements Filter {

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record instanceof ExtLogRecord ext) {
            String formatted = ext.getFormattedMessage();
            String escaped = escape(formatted);
            if (formatted != null && !formatted.equals(escaped)) {
                ext.setMessage(escaped, ExtLogRecord.FormatStyle.NO_FORMAT);
                ext.setParameters(null);
            }
        }
        return true;
    }

    /** The text with every control character except TAB written as an escape ({@code \n}, {@code \r}, {@code \u001b}). */
    public static String escape(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c != '\t' && control(c);
            if (control && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (!control) {
                    out.append(c);
                } else if (c == '\n') {
                    out.append("\\n");
                } else if (c == '\r') {
                    out.append("\\r");
                } else {
                    out.append(String.format("\\u%04x", (int) c));
                }
            }
        }
        return out == null ? text : out.toString();
    }

    /** C0 and C1 controls, DEL, and the Unicode line and paragraph separators: what may break or recolour a line. */
    static boolean control(char c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029';
    }
}
