package io.mimiredge.rls.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What a logger writes while this is open, for tests that assert a log line: attach it around the
 * code that logs, read {@link #messages} (safely while other threads still log), close it.
 */
public final class LogLines implements AutoCloseable {
  private final Logger logger;
  private final Level level;
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  /** Captures {@code name}'s events from INFO up. */
  public LogLines(String name) {
    logger = (Logger) LoggerFactory.getLogger(name);
    level = logger.getLevel();
    logger.setLevel(Level.INFO);
    lines.start();
    logger.addAppender(lines);
  }

  /** The formatted messages so far, at {@code min} or above. */
  public List<String> messages(Level min) {
    synchronized (lines) { // the appender appends under its own lock
      return lines.list.stream()
          .filter(e -> e.getLevel().isGreaterOrEqual(min))
          .map(ILoggingEvent::getFormattedMessage)
          .toList();
    }
  }

  /** The formatted messages so far. */
  public List<String> messages() {
    return messages(Level.ALL);
  }

  @Override
  public void close() {
    logger.detachAppender(lines);
    logger.setLevel(level);
  }
}
