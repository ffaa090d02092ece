package io.mimiredge.rls.admin;

import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where admin changes are reported. Implementations are thread-safe. */
@FunctionalInterface
public interface AuditLog {

  void changed(AdminChange change);

  /** Logs each change at INFO on the {@code io.mimiredge.rls.admin.audit} logger. */
  static AuditLog slf4j() {
    Logger log = LoggerFactory.getLogger("io.mimiredge.rls.admin.audit");
    return c ->
        log.info(
            "admin change: action={} tenant={} by={} values={}",
            c.action(),
            c.tenant() == null ? "-" : c.tenant(),
            c.who(),
            c.values().entrySet().stream()
                .sorted(java.util.Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", ", "{", "}")));
  }
}
