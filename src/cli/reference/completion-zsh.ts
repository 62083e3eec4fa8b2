/**
 * The zsh completion script: subcommands and options with their descriptions
 * (`_describe`), option values from their lists, directories, files or the installed
 * franchises. Works sourced (`source <(kgc-support completion zsh)`) and autoloaded from
 * a file `_kgc-support` in $fpath.
 */
import {
  PROGRAM,
  optionWords,
  sq,
  valueOptionWords,
  type CompletionNode,
  type ValueKind,
} from './completion-model.js';

const FN = '_kgc_support';

/** "name:description" for _describe: a colon in the name is escaped. */
const item = (name: string, summary: string) => `${name.replace(/:/g, '\\:')}:${summary}`;

function caseOf(
  fn: string,
  arms: readonly (readonly [string, readonly string[]])[],
  args = '"$1"',
) {
  return [
    `${fn}() {`,
    `  case ${args} in`,
    ...arms.map(
      ([pattern, lines]) => `    (${pattern}) print -rl -- ${lines.map(sq).join(' ')} ;;`,
    ),
    '  esac',
    '}',
  ].join('\n');
}

function valueWords(v: ValueKind): readonly string[] {
  if (v.kind === 'words') return v.words;
  return v.kind === 'any' ? [] : [`@${v.kind}`];
}

export function zshCompletion(nodes: readonly CompletionNode[], version: string): string {
  const values = nodes.flatMap((n) =>
    n.options.flatMap((o) => {
      const words = o.value ? valueWords(o.value) : [];
      return words.length === 0
        ? []
        : optionWords(o).map((w) => [sq(`${n.key}|${w}`), words] as const);
    }),
  );
  return `#compdef ${PROGRAM}
# zsh completion for ${PROGRAM} ${version}, generated from its command definitions: do not edit.
# Load it in this shell:  source <(${PROGRAM} completion zsh)
# or install it as _${PROGRAM} in a directory of $fpath (before compinit runs).

${caseOf(
  `${FN}_commands`,
  nodes
    .filter((n) => n.commands.length > 0)
    .map((n) => [sq(n.key), n.commands.map((c) => item(c.name, c.summary))]),
)}

${caseOf(
  `${FN}_options`,
  nodes.map((n) => [
    sq(n.key),
    n.options.flatMap((o) => optionWords(o).map((w) => item(w, o.summary))),
  ]),
)}

${caseOf(
  `${FN}_value_options`,
  nodes.map((n) => [sq(n.key), valueOptionWords(n)]),
)}

${caseOf(
  `${FN}_arguments`,
  nodes.filter((n) => n.argumentWords.length > 0).map((n) => [sq(n.key), n.argumentWords]),
)}

${caseOf(`${FN}_values`, values, '"$1|$2"')}

# The installed franchises: the directories with a franchise.yaml in the franchises directory.
${FN}_franchises() {
  local root=\${KGC_SUPPORT_FRANCHISES_DIR:-} f
  if [[ -z $root ]]; then
    if (( EUID == 0 )); then root=/var/lib/kgc-support/franchises
    else root=\${KGC_SUPPORT_DATA_DIR:-\${XDG_DATA_HOME:-$HOME/.local/share}/kgc-support}/franchises
    fi
  fi
  for f in $root/*/franchise.yaml(N); do print -r -- \${f:h:t}; done
}

${FN}_value() {
  local -a vals
  vals=(\${(f)"$(${FN}_values "$1" "$2")"})
  case $vals[1] in
    (@dir) _files -/ ;;
    (@file) _files ;;
    (@franchise) vals=(\${(f)"$(${FN}_franchises)"}); compadd -a vals ;;
    (*) (( $#vals )) && compadd -a vals ;;
  esac
}

${FN}() {
  local cmdpath='' word cur prev skip=0 i
  local -a items
  for (( i = 2; i < CURRENT; i++ )); do
    word=$words[i]
    if (( skip )); then skip=0; continue; fi
    case $word in
      (--) break ;;
      (-*=*) continue ;;
      (-*)
        (( \${\${(f)"$(${FN}_value_options "$cmdpath")"}[(Ie)$word]} )) && skip=1
        continue
        ;;
    esac
    items=(\${(f)"$(${FN}_commands "$cmdpath")"})
    (( \${items[(I)\${(b)word}:*]} )) && cmdpath=\${cmdpath:+$cmdpath }$word
  done
  cur=$words[CURRENT]
  if [[ $cur == --*=* ]]; then
    compset -P '*='
    ${FN}_value "$cmdpath" "\${cur%%=*}"
    return
  fi
  if (( skip )); then
    ${FN}_value "$cmdpath" "$words[CURRENT-1]"
    return
  fi
  if [[ $cur == -* ]]; then
    items=(\${(f)"$(${FN}_options "$cmdpath")"})
    _describe -t options option items
    return
  fi
  items=(\${(f)"$(${FN}_commands "$cmdpath")"})
  if (( $#items )); then
    _describe -t commands command items
    return
  fi
  items=(\${(f)"$(${FN}_arguments "$cmdpath")"})
  (( $#items )) && compadd -a items
}

if [[ $funcstack[1] == _${PROGRAM} ]]; then
  ${FN} "$@"
else
  compdef ${FN} ${PROGRAM}
fi
`;
}
