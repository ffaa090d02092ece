package io.mimiredge.rls.tls;

import java.nio.file.Path;

/** A certificate or key file that cannot serve: the message names the setting, file and problem. */
public final class TlsFileException extends Exception {
  private final Path file;

  TlsFileException(String setting, Path file, String problem) {
    this(setting, file, problem, null);
  }

  TlsFileException(String setting, Path file, String problem, Throwable cause) {
    super(setting + " " + file + ": " + problem, cause);
    this.file = file;
  }

  /** The file at fault. */
  public Path file() {
    return file;
  }
}
