/**
 * The manual page kgc-support(1), in roff (man macros), written from the command tree:
 * every command with its usage, description, options, notes and examples, the exit
 * codes and the environment variables of the settings table. Deterministic: no date,
 * so a build of the same commit writes the same bytes.
 */
import { allCommands, type CommandSpec, type OptionSpec } from './tree.js';

export interface ManFacts {
  readonly version: string;
  /** Exit codes and what each means. */
  readonly exitCodes: readonly { readonly code: number; readonly meaning: string }[];
  /** The environment variables the settings table reads. */
  readonly environment: readonly { readonly env: string; readonly doc: string }[];
}

/** Characters roff reads as its own, and the few the terminal fonts lack, made plain. */
const PLAIN: readonly (readonly [RegExp, string])[] = [
  [/\\/g, '\\e'],
  [/-/g, '\\-'],
  [/'/g, '\\(aq'],
  [/`/g, '\\(ga'],
  [/→/g, '\\(->'],
  [/←/g, '\\(<-'],
  [/…/g, '.\\|.\\|.'],
  [/—/g, '\\(em'],
  [/–/g, '\\(en'],
  [/[✔✓]/g, 'ok'],
  [/✖/g, 'x'],
  [/│/g, '|'],
];

/** Text escaped for roff; a line that would start with a control character is guarded. */
export function roff(text: string): string {
  let s = text;
  for (const [re, to] of PLAIN) s = s.replace(re, to);
  return s.replace(/^([.'])/gm, '\\&$1');
}

const bold = (s: string) => `\\fB${roff(s)}\\fR`;
const italic = (s: string) => `\\fI${roff(s)}\\fR`;

/** "--scope <scope>" → bold option, italic placeholder. */
function flagsOf(o: OptionSpec): string {
  return o.flags
    .split(/(<[^>]+>|\[[^\]]+\])/)
    .map((part) => (/^[<[]/.test(part) ? italic(part) : part === '' ? '' : bold(part)))
    .join('');
}

function optionItem(o: OptionSpec): string[] {
  const extras = [
    o.choices.length > 0 ? `one of: ${o.choices.join(', ')}` : undefined,
    o.defaultValue !== undefined ? `default: ${o.defaultValue}` : undefined,
    o.mandatory ? 'required' : undefined,
  ].filter((x): x is string => x !== undefined);
  return [
    '.TP',
    flagsOf(o),
    roff(`${o.description}${extras.length > 0 ? ` (${extras.join('; ')})` : ''}`),
  ];
}

/**
 * The text a command's help prints after its options: paragraphs as text, indented
 * lines (examples, file lists, crontab lines) as they are, without filling.
 */
function afterHelp(text: string): string[] {
  if (text === '') return [];
  const out: string[] = [];
  let literal = false;
  for (const line of text.split('\n')) {
    const indented = /^\s/.test(line) && line.trim() !== '';
    if (line.trim() === '') {
      if (literal) out.push('.fi', '.RE');
      literal = false;
      out.push('.PP');
      continue;
    }
    if (indented && !literal) out.push('.RS 4', '.nf');
    if (!indented && literal) out.push('.fi', '.RE');
    literal = indented;
    out.push(roff(indented ? line.replace(/^ {2}/, '') : line));
  }
  if (literal) out.push('.fi', '.RE');
  return ['.PP', ...out];
}

function commandSection(c: CommandSpec): string[] {
  const name = ['kgc-support', ...c.path].join(' ');
  return [
    `.SS "${roff(name)}"`,
    `${bold(name)} ${roff(c.usage)}`,
    '.PP',
    roff(c.description),
    ...(c.arguments.length > 0
      ? c.arguments.flatMap((a) => [
          '.TP',
          italic(a.name),
          roff(
            `${a.description || 'argument'}${a.choices.length > 0 ? ` (one of: ${a.choices.join(', ')})` : ''}`,
          ),
        ])
      : []),
    ...c.options.flatMap(optionItem),
    ...afterHelp(c.afterHelp),
  ];
}

export function manPage(tree: CommandSpec, facts: ManFacts): string {
  const commands = allCommands(tree).slice(1);
  const lines = [
    `.\\" kgc-support(1), generated from the command definitions of kgc-support ${facts.version}: do not edit.`,
    `.TH KGC\\-SUPPORT 1 "" "kgc\\-support ${roff(facts.version)}" "User Commands"`,
    // No hyphenation and a ragged right edge: option names and paths stay whole.
    '.nh',
    '.ad l',
    '.SH NAME',
    `kgc\\-support \\- ${roff(tree.description)}`,
    '.SH SYNOPSIS',
    `${bold('kgc-support')} [${italic('options')}] ${italic('command')} [${italic('command options')}] [${italic('arguments')}]`,
    '.SH DESCRIPTION',
    roff(
      'One command for the Support module on a franchise server: the daemon (serve), the installer ' +
        '(init, render, up, down, status, logs, doctor), API keys, the audit log, events and their ' +
        'delivery, GDPR erasure, health checks, backups and support bundles. State commands act on an ' +
        "installed franchise's daemon with --franchise (or KGC_SUPPORT_FRANCHISE), on a local store with " +
        '--data-dir, and refuse to guess when franchises are installed and neither is given. ' +
        'Every command prints its help with examples (kgc-support <command> --help).',
    ),
    '.SH OPTIONS',
    'These options work with every command.',
    ...tree.options.flatMap(optionItem),
    '.TP',
    `${bold('-h')}, ${bold('--help')}`,
    'display help for command',
    ...afterHelp(tree.afterHelp),
    '.SH COMMANDS',
    ...commands.flatMap(commandSection),
    '.SH EXIT STATUS',
    ...facts.exitCodes.flatMap((e) => ['.TP', bold(String(e.code)), roff(e.meaning)]),
    '.SH ENVIRONMENT',
    ...facts.environment.flatMap((e) => ['.TP', bold(e.env), roff(e.doc)]),
    '.SH FILES',
    '.TP',
    bold('/var/lib/kgc-support/franchises/<id>/'),
    roff(
      "An installed franchise (run as root; otherwise ~/.local/share/kgc-support/franchises): franchise.yaml, secrets.env (0600), the rendered compose and .env files, run/admin.sock (its daemon's admin socket).",
    ),
    '.SH SEE ALSO',
    `${bold('docker-compose')}(1), ${bold('systemd.service')}(5), ${bold('systemd.exec')}(5); the README of the package, and the manual in its source's docs/ (installation, operations with the runbook, webhooks, privacy, the API).`,
  ];
  return `${lines.join('\n')}\n`;
}
