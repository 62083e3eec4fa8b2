/** The CLI's exit codes (README "Exit codes"). Health's --format nagios uses 0-3 its own way. */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  UNKNOWN: 3,
  INTERRUPTED: 130,
} as const;
