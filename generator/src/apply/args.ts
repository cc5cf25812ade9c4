// Command-line options shared by `lxgen apply`, `refresh` and `status`: --tree PATH (default
// $LXSS_REACTOS_TREE), --branch NAME, --patches DIR, plus the command's own boolean flags.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface TreeArgs {
  tree: string;
  branch?: string;
  patches?: string;
  /** The command's own boolean flags (only those it named), true when given. */
  flags: Record<string, boolean>;
}

/** Parses args; without a tree (no --tree, no $LXSS_REACTOS_TREE) prints usage and returns null (exit 2). */
export function parseTreeArgs(args: string[], usage: string, booleans: string[] = []): TreeArgs | null {
  const options: NonNullable<ParseArgsConfig['options']> = {
    tree: { type: 'string' },
    branch: { type: 'string' },
    patches: { type: 'string' },
  };
  for (const b of booleans) options[b] = { type: 'boolean' };
  const { values } = parseArgs({ args, options });
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const tree = str('tree') ?? process.env.LXSS_REACTOS_TREE;
  if (!tree) {
    console.error(usage);
    return null;
  }
  return {
    tree,
    branch: str('branch'),
    patches: str('patches'),
    flags: Object.fromEntries(booleans.map((b) => [b, values[b] === true])),
  };
}
