package uk.safeguarding.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.MDC;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The production console format (the %prod. keys of application.properties) with the json-log filter:
 * every record, hostile text and stack traces included, is one line that parses as JSON and carries the
 * request, trace and span ids from the MDC.
 */
class JsonLogFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @AfterEach
    void clear() {
        MDC.clear();
    }

    private static String prodFormat() throws IOException {
        Properties p = new Properties();
        try (InputStream in = JsonLogFormatTest.class.getClassLoader().getResourceAsStream("application.properties")) {
            p.load(in);
        }
        assertEquals("json-log", p.getProperty("%prod.quarkus.log.console.filter"), "production's console uses the json-log filter");
        return p.getProperty("%prod.quarkus.log.console.format");
    }

    private static String logged(ExtLogRecord record) throws IOException {
        assertTrue(new JsonLogFilter().isLoggable(record));
        return new PatternFormatter(prodFormat()).format(record);
    }

    @Test
    void aRecordIsOneJsonLineWithTheIdsFromTheMdc() throws IOException {
        MDC.put("requestId", "req-12345678");
        MDC.put("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
        MDC.put("spanId", "00f067aa0ba902b7");
        ExtLogRecord record = new ExtLogRecord(org.jboss.logmanager.Level.WARN, "Alert %s to %s refused: \"%s\"", ExtLogRecord.FormatStyle.PRINTF,
                JsonLogFormatTest.class.getName());
        record.setLoggerName("uk.safeguarding.gateway.alert.Dispatcher");
        record.setParameters(new Object[] {"a-1", "nhs:RQX", "quote \\ back"});
        String line = logged(record);
        assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, "one line: " + line);
        JsonNode json = JSON.readTree(line);
        assertEquals("WARN", json.get("level").asText());
        assertEquals("uk.safeguarding.gateway.alert.Dispatcher", json.get("logger").asText());
        assertEquals("req-12345678", json.get("requestId").asText());
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", json.get("traceId").asText());
        assertEquals("00f067aa0ba902b7", json.get("spanId").asText());
        assertEquals("Alert a-1 to nhs:RQX refused: \"quote \\ back\"", json.get("message").asText());
        assertFalse(json.get("timestamp").asText().isBlank());
    }

    @Test
    void injectedLinesEscapesAndStackTracesStayInsideTheOneRecord() throws IOException {
        ExtLogRecord record = new ExtLogRecord(org.jboss.logmanager.Level.ERROR, "bad header\r\nX-Injected: 1\u001b[31m red\u2028",
                ExtLogRecord.FormatStyle.NO_FORMAT, JsonLogFormatTest.class.getName());
        record.setLoggerName("uk.safeguarding.gateway.problem.ProblemMapper");
        record.setThrown(new IllegalStateException("boom \"quoted\""));
        String line = logged(record);
        assertEquals(1, line.split("\n").length, "one line: " + line);
        assertFalse(line.contains("\r") || line.contains("\u001b") || line.contains("\u2028"), "no raw control characters");
        JsonNode json = JSON.readTree(line);
        String message = json.get("message").asText();
        assertTrue(message.startsWith("bad header\r\nX-Injected: 1\u001b[31m red"), "the text survives, escaped in the line: " + message);
        assertTrue(message.contains("java.lang.IllegalStateException: boom \"quoted\"") && message.contains("\tat "),
                "the stack trace is folded into the message: " + message);
        assertEquals("", json.get("requestId").asText(), "no request: an empty id, still valid JSON");
    }
}
