// lxgen command line: `lxgen <command> [args...]`.
// Every command is a module generator/src/commands/<name>.ts exporting `summary` and `run`,
// discovered at run time, so a new command is a new file and nothing else.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

export interface Command {
  /** One line for `lxgen help`. */
  summary: string;
  /** Optional longer usage text for `lxgen help <command>`. */
  usage?: string;
  /** Runs the command; resolves to the process exit status. */
  run(args: string[]): Promise<number>;
}

const commandsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'commands');

export function commandNames(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

export async function loadCommand(name: string): Promise<Command | undefined> {
  if (!commandNames().includes(name)) return undefined;
  const mod = (await import(pathToFileURL(path.join(commandsDir, `${name}.ts`)).href)) as Command;
  return mod;
}

async function help(topic?: string): Promise<number> {
  if (topic) {
    const cmd = await loadCommand(topic);
    if (!cmd) {
      console.error(`lxgen: no command '${topic}'`);
      return 2;
    }
    console.log(cmd.usage ?? `lxgen ${topic}: ${cmd.summary}`);
    return 0;
  }
  console.log('usage: lxgen <command> [args...]\n\ncommands:');
  for (const name of commandNames()) {
    const cmd = await loadCommand(name);
    console.log(`  ${name.padEnd(10)} ${cmd?.summary ?? ''}`);
  }
  console.log('\n`lxgen help <command>` shows a command\'s options.');
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') return help(rest[0]);
  const cmd = await loadCommand(name);
  if (!cmd) {
    console.error(`lxgen: unknown command '${name}' (try 'lxgen help')`);
    return 2;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    console.error(`lxgen ${name}: ${msg}`);
    if (process.env.LXGEN_DEBUG && err instanceof Error) console.error(err.stack);
    return 1;
  }
}
