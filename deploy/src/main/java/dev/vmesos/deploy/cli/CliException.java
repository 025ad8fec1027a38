package dev.vmesos.deploy.cli;

/** A CLI failure told to the user in one line: {@code vmesos <command>: <message>}, exit code 1. */
final class CliException extends Exception {

  CliException(String message) {
    super(message);
  }
}
