package fi.vointi.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped logback.xml: VOINTI_LOG_FORMAT=json writes one JSON object per line with the request id of the MDC. */
class JsonLogsTest {
    @Test
    void jsonFormatWritesOneObjectPerLineWithTheRequestId() throws Exception {
        LoggerContext context = new LoggerContext();
        context.putProperty("VOINTI_LOG_FORMAT", "json");
        context.setMDCAdapter(MDC.getMDCAdapter());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(JsonLogsTest.class.getResource("/logback.xml"));
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        @SuppressWarnings("unchecked")
        OutputStreamAppender<ILoggingEvent> json = (OutputStreamAppender<ILoggingEvent>) root.getAppender("json");
        assertTrue(json != null && json.getEncoder() instanceof JsonEncoder, "the json appender is the root's");
        assertEquals(null, root.getAppender("text"));
        ch.qos.logback.classic.Logger logger = context.getLogger("fi.vointi.test");
        MDC.put(RequestIds.MDC_KEY, "req-12345678");
        LoggingEvent logged;
        try {
            logged = new LoggingEvent(getClass().getName(), logger, Level.WARN, "Incident {} seen", null,
                    new Object[]{"req-12345678"});
            logged.prepareForDeferredProcessing(); // takes the MDC now, as an appender does
        } finally {
            MDC.remove(RequestIds.MDC_KEY);
        }
        String line = new String(json.getEncoder().encode(logged), StandardCharsets.UTF_8).strip();
        context.stop();
        assertEquals(1, line.lines().count(), line);
        JsonNode event = new ObjectMapper().readTree(line);
        assertEquals("WARN", event.get("level").asText());
        assertEquals("Incident req-12345678 seen", event.get("formattedMessage").asText());
        assertEquals("req-12345678", event.get("mdc").get(RequestIds.MDC_KEY).asText());
    }

    @Test
    void textIsTheDefault() throws Exception {
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(JsonLogsTest.class.getResource("/logback.xml"));
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertTrue(root.getAppender("text") != null && root.getAppender("json") == null);
        context.stop();
    }
}
