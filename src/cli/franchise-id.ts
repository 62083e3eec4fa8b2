/**
 * The franchise a command names: `--franchise <id>`, else KGC_SUPPORT_FRANCHISE; blank
 * counts as unset. Its own module, free of the franchise store and its yaml and schema
 * imports, so that `health` (which must stay cheap to start) shares it with target.ts.
 */
const set = (v: string | undefined): string | undefined =>
  v === undefined || v.trim() === '' ? undefined : v.trim();

export function franchiseIdFrom(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  return set(flag) ?? set(env.KGC_SUPPORT_FRANCHISE);
}
