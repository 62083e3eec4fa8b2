/**
 * The bash completion script. The line is read from COMP_LINE (split on blanks), not
 * from COMP_WORDS, which bash splits at ':' and '=' too (`--scope support:read`); the
 * replies are trimmed back to bash's own current word.
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

function caseOf(fn: string, arms: readonly (readonly [string, string])[], args = '"$1"'): string {
  return [
    `${fn}() {`,
    `  case ${args} in`,
    ...arms.map(([pattern, words]) => `    ${pattern}) echo ${sq(words)} ;;`),
    '  esac',
    '}',
  ].join('\n');
}

function valueWord(v: ValueKind): string | undefined {
  if (v.kind === 'words') return v.words.join(' ');
  return v.kind === 'any' ? undefined : `@${v.kind}`;
}

export function bashCompletion(nodes: readonly CompletionNode[], version: string): string {
  const values = nodes.flatMap((n) =>
    n.options.flatMap((o) => {
      const word = o.value ? valueWord(o.value) : undefined;
      return word === undefined
        ? []
        : optionWords(o).map((w) => [sq(`${n.key}|${w}`), word] as const);
    }),
  );
  return `# bash completion for ${PROGRAM} ${version}, generated from its command definitions: do not edit.
# Load it in this shell:  source <(${PROGRAM} completion bash)
# or for every shell:      ${PROGRAM} completion bash > /etc/bash_completion.d/${PROGRAM}

${caseOf(
  `${FN}_commands`,
  nodes
    .filter((n) => n.commands.length > 0)
    .map((n) => [sq(n.key), n.commands.map((c) => c.name).join(' ')]),
)}

${caseOf(
  `${FN}_options`,
  nodes.map((n) => [sq(n.key), n.options.flatMap(optionWords).join(' ')]),
)}

${caseOf(
  `${FN}_value_options`,
  nodes.map((n) => [sq(n.key), valueOptionWords(n).join(' ')]),
)}

${caseOf(
  `${FN}_arguments`,
  nodes
    .filter((n) => n.argumentWords.length > 0)
    .map((n) => [sq(n.key), n.argumentWords.join(' ')]),
)}

${caseOf(`${FN}_values`, values, '"$1|$2"')}

# The installed franchises: the directories with a franchise.yaml in the franchises directory.
${FN}_franchises() {
  local root=\${KGC_SUPPORT_FRANCHISES_DIR:-} f
  if [[ -z $root ]]; then
    if ((EUID == 0)); then root=/var/lib/kgc-support/franchises
    else root=\${KGC_SUPPORT_DATA_DIR:-\${XDG_DATA_HOME:-$HOME/.local/share}/kgc-support}/franchises
    fi
  fi
  for f in "$root"/*/franchise.yaml; do
    [[ -e $f ]] && f=\${f%/franchise.yaml} && echo "\${f##*/}"
  done
}

# COMPREPLY from candidates for the word $2 (the whole word, colons included).
${FN}_reply() {
  local word=$2
  COMPREPLY=($(compgen -W "$1" -- "$word"))
  # bash's own current word starts after the last ':' (COMP_WORDBREAKS): reply with the rest.
  if [[ $word == *:* && $COMP_WORDBREAKS == *:* ]]; then
    local prefix=\${word%"\${word##*:}"} i
    for i in "\${!COMPREPLY[@]}"; do COMPREPLY[i]=\${COMPREPLY[i]#"$prefix"}; done
  fi
}

${FN}_value() {
  local values
  values=$(${FN}_values "$1" "$2")
  case $values in
    @dir) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$3")) ;;
    @file) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$3")) ;;
    @franchise) ${FN}_reply "$(${FN}_franchises)" "$3" ;;
    *) ${FN}_reply "$values" "$3" ;;
  esac
}

${FN}() {
  local line=\${COMP_LINE:0:COMP_POINT} cmdpath='' word cur prev='' skip=0 i
  local -a words
  read -ra words <<<"$line"
  if [[ $line == *[[:space:]] || \${#words[@]} -eq 0 ]]; then cur=''; else cur=\${words[-1]}; unset 'words[-1]'; fi
  for ((i = 1; i < \${#words[@]}; i++)); do
    word=\${words[i]}
    if ((skip)); then skip=0; continue; fi
    case $word in
      --) break ;;
      -*=*) continue ;;
      -*)
        [[ " $(${FN}_value_options "$cmdpath") " == *" $word "* ]] && skip=1
        continue
        ;;
    esac
    if [[ " $(${FN}_commands "$cmdpath") " == *" $word "* ]]; then cmdpath=\${cmdpath:+$cmdpath }$word; fi
  done
  ((\${#words[@]} > 1)) && prev=\${words[-1]}
  if [[ $cur == --*=* ]]; then
    ${FN}_value "$cmdpath" "\${cur%%=*}" "\${cur#*=}"
    return 0
  fi
  if ((skip)) && [[ -n $prev ]]; then
    ${FN}_value "$cmdpath" "$prev" "$cur"
    return 0
  fi
  if [[ $cur == -* ]]; then
    ${FN}_reply "$(${FN}_options "$cmdpath")" "$cur"
    return 0
  fi
  local next
  next=$(${FN}_commands "$cmdpath")
  [[ -z $next ]] && next=$(${FN}_arguments "$cmdpath")
  ${FN}_reply "$next" "$cur"
  return 0
}

complete -F ${FN} ${PROGRAM}
`;
}
