/** The CLI's exit codes (docs/errors.md). Health's --format nagios uses 0-3 its own way. */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  UNKNOWN: 3,
  INTERRUPTED: 130,
} as const;

/** What each code means, for the manual page. */
export const EXIT_MEANING: Readonly<Record<keyof typeof EXIT, string>> = {
  OK: 'success (health: every check passes, warnings included)',
  FAILURE: 'failure: the error says what failed and what to do (--json: one JSON object on stderr)',
  USAGE: 'usage error: an unknown command or option, a missing or bad value',
  UNKNOWN:
    'health could not find something out (with --format nagios: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)',
  INTERRUPTED: 'interrupted (Ctrl-C)',
};
