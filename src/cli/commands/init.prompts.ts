/**
 * The init wizard's questions (@inquirer/prompts), asked only on a terminal. Ctrl-C
 * ends the command with exit code 130 and nothing written.
 */
import { confirm, input, password } from '@inquirer/prompts';
import { KgcError } from '../../errors/kgc-error.js';

async function asked<T>(q: Promise<T>): Promise<T> {
  try {
    return await q;
  } catch (err) {
    if (
      err instanceof Error &&
      (err.name === 'ExitPromptError' || err.name === 'AbortPromptError')
    ) {
      throw new KgcError('interrupted', 'interrupted: nothing was written');
    }
    throw err;
  }
}

export function askId(problem: (id: string) => string | undefined): Promise<string> {
  return asked(
    input({
      message: 'Franchise id (lowercase letters, digits, dashes; e.g. budapest-1):',
      validate: (v) => problem(v.trim()) ?? true,
    }),
  ).then((v) => v.trim());
}

export function askName(problem: (name: string) => string | undefined): Promise<string> {
  return asked(
    input({
      message: 'Franchise name, as customers see it:',
      validate: (v) =>
        v.trim() === ''
          ? 'a name is needed'
          : v.length > 200
            ? 'at most 200 characters'
            : (problem(v.trim()) ?? true),
    }),
  ).then((v) => v.trim());
}

export function askErpDatabaseUrl(problem: (url: string) => string | undefined): Promise<string> {
  return asked(
    input({
      message: "ERP database URL, as the daemon's container reaches it (postgres://…):",
      validate: (v) =>
        v.trim() === ''
          ? "the daemon reads the ERP's database: a URL is needed"
          : (problem(v.trim()) ?? true),
    }),
  ).then((v) => v.trim());
}

export function askGeminiKey(): Promise<string> {
  return asked(
    password({
      message: 'Gemini API key for the context manager (Enter to add it later):',
      mask: '*',
    }),
  ).then((v) => v.trim());
}

export function askConfirm(message: string): Promise<boolean> {
  return asked(confirm({ message, default: true }));
}
