/**
 * The fish completion script: one `complete` line per subcommand and option, each under
 * the condition that the command words typed so far are its command's.
 */
import {
  PROGRAM,
  sq,
  valueOptionWords,
  type CompletionNode,
  type CompletionOption,
} from './completion-model.js';

const FN = '__kgc_support';

function switchOf(fn: string, arms: readonly (readonly [string, string])[]): string {
  return [
    `function ${fn}`,
    '    switch "$argv[1]"',
    ...arms.flatMap(([key, words]) => [`        case ${sq(key)}`, `            echo ${sq(words)}`]),
    '    end',
    'end',
  ].join('\n');
}

function valueArgs(o: CompletionOption): string {
  const v = o.value;
  if (v === undefined) return '';
  switch (v.kind) {
    case 'words':
      return ` -x -a ${sq(v.words.join(' '))}`;
    case 'dir':
      return ` -x -a ${sq('(__fish_complete_directories)')}`;
    case 'file':
      return ' -r -F';
    case 'franchise':
      return ` -x -a ${sq(`(${FN}_franchises)`)}`;
    case 'any':
      return ' -x';
  }
}

function optionLine(condition: string, o: CompletionOption): string {
  const names = [
    o.short ? ` -s ${o.short.slice(1)}` : '',
    o.long ? ` -l ${o.long.slice(2)}` : '',
  ].join('');
  return `complete -c ${PROGRAM}${condition}${names}${valueArgs(o)} -d ${sq(o.summary)}`;
}

export function fishCompletion(nodes: readonly CompletionNode[], version: string): string {
  const root = nodes.find((n) => n.key === '');
  const global = new Set(root?.options ?? []);
  const at = (key: string) => ` -n ${sq(`${FN}_at ${sq(key)}`)}`;
  const lines = nodes.flatMap((n) => [
    ...n.commands.map(
      (c) => `complete -c ${PROGRAM}${at(n.key)} -a ${sq(c.name)} -d ${sq(c.summary)}`,
    ),
    ...(n.argumentWords.length > 0
      ? [`complete -c ${PROGRAM}${at(n.key)} -a ${sq(n.argumentWords.join(' '))}`]
      : []),
    ...n.options.filter((o) => !global.has(o)).map((o) => optionLine(at(n.key), o)),
  ]);
  return `# fish completion for ${PROGRAM} ${version}, generated from its command definitions: do not edit.
# Load it in this shell:  ${PROGRAM} completion fish | source
# or for every shell:      ${PROGRAM} completion fish > ~/.config/fish/completions/${PROGRAM}.fish

${switchOf(
  `${FN}_commands`,
  nodes
    .filter((n) => n.commands.length > 0)
    .map((n) => [n.key, n.commands.map((c) => c.name).join(' ')]),
)}

${switchOf(
  `${FN}_value_options`,
  nodes.map((n) => [n.key, valueOptionWords(n).join(' ')]),
)}

# The command words typed so far ("keys create"), options and their values skipped.
function ${FN}_path
    set -l cmdpath ''
    set -l skip 0
    for word in (commandline -opc)[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        switch $word
            case --
                break
            case '-*=*'
                continue
            case '-*'
                contains -- $word (string split ' ' -- (${FN}_value_options "$cmdpath")); and set skip 1
                continue
        end
        if contains -- $word (string split ' ' -- (${FN}_commands "$cmdpath"))
            set cmdpath (string trim -- "$cmdpath $word")
        end
    end
    echo $cmdpath
end

function ${FN}_at
    set -l typed (${FN}_path)
    test "$typed" = "$argv[1]"
end

# The installed franchises: the directories with a franchise.yaml in the franchises directory.
function ${FN}_franchises
    set -l root $KGC_SUPPORT_FRANCHISES_DIR
    if test -z "$root"
        if test (id -u) -eq 0
            set root /var/lib/kgc-support/franchises
        else if set -q KGC_SUPPORT_DATA_DIR
            set root $KGC_SUPPORT_DATA_DIR/franchises
        else if set -q XDG_DATA_HOME
            set root $XDG_DATA_HOME/kgc-support/franchises
        else
            set root $HOME/.local/share/kgc-support/franchises
        end
    end
    for f in $root/*/franchise.yaml
        basename (dirname $f)
    end
end

complete -c ${PROGRAM} -f
${root ? root.options.map((o) => optionLine('', o)).join('\n') : ''}
${lines.join('\n')}
`;
}
